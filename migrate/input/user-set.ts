/**
 * The merged user set: every user of every `--from` input once, in first-seen order, with the
 * token found for it. Held column-wise so that a million users with tokens stay inside the
 * 512 MB budget (see bench/migrate-parse.ts): ids are the only per-user strings on the JS
 * heap (Map keys); names, tokens and secrets are bytes in an off-heap arena, and numbers live
 * in typed arrays. MergedUser objects are built on demand when the set is iterated.
 */
import { inspect } from 'node:util';

import type { UserToken } from '../../client/types';
import { InputError } from './input-error';

/** Where a user or token came from: the file as given and the 1-based line. */
export interface SourceRef {
	file: string;
	line: number;
}

/** One user of the merged set. */
export interface MergedUser {
	userId: string;
	/** The user's own OAuth 1.0a token, when a token store or token columns gave one. */
	token?: UserToken;
	/** The user's OAuth 2.0 user-context access token (column oauth2_access_token), when given. */
	oauth2?: OAuth2UserToken;
	/** Site Streams `dm` flag; false: no DM access, the user must re-authorise for DM events. */
	dm?: boolean;
	screenName?: string;
	/** Every place the user was listed, first one first. */
	sources: SourceRef[];
}

export type InputFormat = 'sitestreams-json' | 'csv';
export type InputRole = 'users' | 'tokens';

/** What one input file contributed. */
export interface InputFileSummary {
	file: string;
	format: InputFormat;
	/** `users`: a `--from` input; `tokens`: the `--tokens` store. */
	role: InputRole;
	/** Users (JSON) or data rows (CSV) read. */
	rows: number;
	/** Users this file added to the set (the rest were already listed). */
	newUsers: number;
	/** Rows carrying a token (token store, or token columns of a `--from` CSV). */
	tokens: number;
	/** Token store rows for users not in the `--from` set: not used. */
	unmatchedTokens: number;
}

/** Details a reader knows about a user besides its id. */
export interface UserDetails {
	screenName?: string;
	dm?: boolean;
	token?: string;
	secret?: string;
	oauth2?: string;
}

/**
 * A user's token. Structurally a {@link UserToken}; JSON.stringify and util.inspect show it
 * redacted, so a stray log line cannot leak it.
 */
export class RedactedToken implements UserToken {
	constructor(
		readonly token: string,
		readonly secret: string,
	) {}

	toJSON(): string {
		return '[redacted token]';
	}

	[inspect.custom](): string {
		return 'RedactedToken { [redacted] }';
	}
}

/** An OAuth 2.0 user access token; JSON.stringify and util.inspect show it redacted. */
export class OAuth2UserToken {
	constructor(readonly accessToken: string) {}

	toJSON(): string {
		return '[redacted token]';
	}

	[inspect.custom](): string {
		return 'OAuth2UserToken { [redacted] }';
	}
}

const DM_UNKNOWN = 0;
const DM_TRUE = 1;
const DM_FALSE = 2;

/** A growable Uint32Array. */
class U32Column {
	private data = new Uint32Array(1024);
	private length = 0;

	push(value: number): void {
		if (this.length === this.data.length) {
			const grown = new Uint32Array(this.data.length * 2);
			grown.set(this.data);
			this.data = grown;
		}
		this.data[this.length++] = value;
	}

	get(index: number): number {
		return this.data[index];
	}

	set(index: number, value: number): void {
		this.data[index] = value;
	}
}

const SLAB_BYTES = 1 << 24;

/**
 * Append-only text store in 16 MiB off-heap slabs, addressed by a byte offset below 2^32.
 * A value never straddles two slabs, so a slab never has to be copied or grown.
 */
class TextArena {
	private readonly slabs: Buffer[] = [];
	private used = SLAB_BYTES;

	/** Stores `a` then `b` back to back; returns the offset of `a`. */
	put(a: string, aBytes: number, b = '', bBytes = 0): number {
		const bytes = aBytes + bBytes;
		if (this.used + bytes > SLAB_BYTES) {
			this.slabs.push(Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes)));
			this.used = 0;
		}
		const slab = this.slabs.length - 1;
		const offset = slab * SLAB_BYTES + this.used;
		if (offset + bytes >= 2 ** 32)
			throw new RangeError('migrate input: more than 4 GiB of names and tokens');
		this.slabs[slab].write(a, this.used, aBytes, 'utf8');
		if (bBytes > 0) this.slabs[slab].write(b, this.used + aBytes, bBytes, 'utf8');
		this.used += bytes;
		return offset;
	}

	get(offset: number, bytes: number): string {
		const at = offset % SLAB_BYTES;
		return this.slabs[Math.floor(offset / SLAB_BYTES)].toString('utf8', at, at + bytes);
	}
}

export class UserSet implements Iterable<MergedUser> {
	private readonly index = new Map<string, number>();
	private readonly ids: string[] = [];
	private readonly dmFlags = new U32Column();
	private readonly text = new TextArena();
	/** Screen name: arena offset and byte length (0: none). */
	private readonly nameAt = new U32Column();
	private readonly nameBytes = new U32Column();
	/** Token then secret: arena offset and byte lengths (token length 0: no token). */
	private readonly tokenAt = new U32Column();
	private readonly tokenBytes = new U32Column();
	private readonly secretBytes = new U32Column();
	/** File index and line of the token kept for each user (valid when it has one). */
	private readonly tokenFiles = new U32Column();
	/** OAuth 2.0 token: arena offset and byte length (0: none); made when the first one arrives. */
	private oauth2At?: U32Column;
	private oauth2Bytes?: U32Column;
	private readonly tokenLines = new U32Column();
	/** File index and line where each user was first listed. */
	private readonly firstFiles = new U32Column();
	private readonly firstLines = new U32Column();
	/** Users listed more than once: [file, line, file, line, …] after the first listing. */
	private readonly moreSources = new Map<number, number[]>();
	private readonly summaries: InputFileSummary[] = [];
	private tokenCount = 0;
	private oauth1Count = 0;
	private dmFalseCount = 0;
	private duplicateCount = 0;

	/** Registers an input file; returns the handle readers pass to add…(). */
	addFile(file: string, format: InputFormat, role: InputRole): number {
		this.summaries.push({
			file,
			format,
			role,
			rows: 0,
			newUsers: 0,
			tokens: 0,
			unmatchedTokens: 0,
		});
		return this.summaries.length - 1;
	}

	/** Adds (or merges) a user listed by a `--from` input. */
	addUser(fileIndex: number, line: number, userId: string, details: UserDetails = {}): void {
		const summary = this.summaries[fileIndex];
		summary.rows++;
		let at = this.index.get(userId);
		if (at === undefined) {
			at = this.ids.length;
			this.index.set(userId, at);
			this.ids.push(userId);
			this.nameAt.push(0);
			this.nameBytes.push(0);
			this.dmFlags.push(DM_UNKNOWN);
			this.tokenAt.push(0);
			this.tokenBytes.push(0);
			this.secretBytes.push(0);
			this.tokenFiles.push(0);
			this.tokenLines.push(0);
			this.oauth2At?.push(0);
			this.oauth2Bytes?.push(0);
			this.firstFiles.push(fileIndex);
			this.firstLines.push(line);
			summary.newUsers++;
		} else {
			this.duplicateCount++;
			let more = this.moreSources.get(at);
			if (more === undefined) this.moreSources.set(at, (more = []));
			more.push(fileIndex, line);
		}
		if (details.screenName !== undefined && this.nameBytes.get(at) === 0) {
			const bytes = Buffer.byteLength(details.screenName);
			this.nameAt.set(at, this.text.put(details.screenName, bytes));
			this.nameBytes.set(at, bytes);
		}
		if (details.dm !== undefined) this.mergeDm(at, details.dm);
		if (details.token !== undefined && details.secret !== undefined) {
			summary.tokens++;
			this.mergeToken(at, fileIndex, line, details.token, details.secret);
		}
		if (details.oauth2 !== undefined) {
			if (details.token === undefined) summary.tokens++;
			this.mergeOAuth2(at, fileIndex, line, details.oauth2);
		}
	}

	/**
	 * Attaches a token store row to its user. Rows for users outside the set are counted and
	 * dropped; returns whether the user was in the set.
	 */
	addToken(
		fileIndex: number,
		line: number,
		userId: string,
		token: string | undefined,
		secret: string | undefined,
		oauth2?: string,
	): boolean {
		const summary = this.summaries[fileIndex];
		summary.rows++;
		summary.tokens++;
		const at = this.index.get(userId);
		if (at === undefined) {
			summary.unmatchedTokens++;
			return false;
		}
		if (token !== undefined && secret !== undefined) this.mergeToken(at, fileIndex, line, token, secret);
		if (oauth2 !== undefined) this.mergeOAuth2(at, fileIndex, line, oauth2);
		return true;
	}

	get size(): number {
		return this.ids.length;
	}

	has(userId: string): boolean {
		return this.index.has(userId);
	}

	/** Position of the user in first-seen order (the iteration order), or undefined. */
	indexOf(userId: string): number | undefined {
		return this.index.get(userId);
	}

	/** The user at a position of the iteration order. */
	at(position: number): MergedUser {
		return this.userAt(position);
	}

	get(userId: string): MergedUser | undefined {
		const at = this.index.get(userId);
		return at === undefined ? undefined : this.userAt(at);
	}

	/** Users in first-seen order (file order, then line order). Each call starts afresh. */
	*[Symbol.iterator](): Iterator<MergedUser> {
		for (let at = 0; at < this.ids.length; at++) yield this.userAt(at);
	}

	/** The input files in reading order, with what each contributed. */
	get files(): readonly InputFileSummary[] {
		return this.summaries;
	}

	get counts(): {
		total: number;
		withTokens: number;
		withOAuth1: number;
		dmFalse: number;
		duplicateEntries: number;
		unmatchedTokens: number;
	} {
		let unmatchedTokens = 0;
		for (const s of this.summaries) unmatchedTokens += s.unmatchedTokens;
		return {
			total: this.ids.length,
			withTokens: this.tokenCount,
			withOAuth1: this.oauth1Count,
			dmFalse: this.dmFalseCount,
			duplicateEntries: this.duplicateCount,
			unmatchedTokens,
		};
	}

	private userAt(at: number): MergedUser {
		const sources: SourceRef[] = [
			{ file: this.summaries[this.firstFiles.get(at)].file, line: this.firstLines.get(at) },
		];
		const more = this.moreSources.get(at);
		if (more !== undefined) {
			for (let k = 0; k < more.length; k += 2) {
				sources.push({ file: this.summaries[more[k]].file, line: more[k + 1] });
			}
		}
		const user: MergedUser = { userId: this.ids[at], sources };
		const token = this.tokenOf(at);
		if (token !== undefined) user.token = new RedactedToken(token.token, token.secret);
		const o2 = this.oauth2Bytes?.get(at) ?? 0;
		if (o2 > 0 && this.oauth2At) user.oauth2 = new OAuth2UserToken(this.text.get(this.oauth2At.get(at), o2));
		const dm = this.dmFlags.get(at);
		if (dm !== DM_UNKNOWN) user.dm = dm === DM_TRUE;
		const nameBytes = this.nameBytes.get(at);
		if (nameBytes > 0) user.screenName = this.text.get(this.nameAt.get(at), nameBytes);
		return user;
	}

	/** dm:false anywhere wins: one listing without DM access means re-authorisation is needed. */
	private mergeDm(at: number, dm: boolean): void {
		const was = this.dmFlags.get(at);
		if (dm) {
			if (was === DM_UNKNOWN) this.dmFlags.set(at, DM_TRUE);
		} else if (was !== DM_FALSE) {
			this.dmFlags.set(at, DM_FALSE);
			this.dmFalseCount++;
		}
	}

	private tokenOf(at: number): UserToken | undefined {
		const tokenBytes = this.tokenBytes.get(at);
		if (tokenBytes === 0) return undefined;
		const offset = this.tokenAt.get(at);
		return {
			token: this.text.get(offset, tokenBytes),
			secret: this.text.get(offset + tokenBytes, this.secretBytes.get(at)),
		};
	}

	/** Users with a token of either kind count once in `withTokens`. */
	private hasAnyToken(at: number): boolean {
		return this.tokenBytes.get(at) > 0 || (this.oauth2Bytes?.get(at) ?? 0) > 0;
	}

	private mergeOAuth2(at: number, fileIndex: number, line: number, token: string): void {
		if (!this.oauth2At || !this.oauth2Bytes) {
			this.oauth2At = new U32Column();
			this.oauth2Bytes = new U32Column();
			for (let k = 0; k < this.ids.length; k++) {
				this.oauth2At.push(0);
				this.oauth2Bytes.push(0);
			}
		}
		const bytes = this.oauth2Bytes.get(at);
		if (bytes === 0) {
			if (!this.hasAnyToken(at)) this.tokenCount++;
			const b = Buffer.byteLength(token);
			this.oauth2At.set(at, this.text.put(token, b));
			this.oauth2Bytes.set(at, b);
			return;
		}
		if (this.text.get(this.oauth2At.get(at), bytes) === token) return;
		throw new InputError(
			this.summaries[fileIndex].file,
			line,
			`user ${this.ids[at]} has a different oauth2_access_token here than in an earlier row; ` +
				'a migration cannot tell which one is right: keep one of the two rows',
			'oauth2_access_token',
		);
	}

	private mergeToken(
		at: number,
		fileIndex: number,
		line: number,
		token: string,
		secret: string,
	): void {
		const had = this.tokenOf(at);
		if (had === undefined) {
			const tokenBytes = Buffer.byteLength(token);
			const secretBytes = Buffer.byteLength(secret);
			this.tokenAt.set(at, this.text.put(token, tokenBytes, secret, secretBytes));
			this.tokenBytes.set(at, tokenBytes);
			this.secretBytes.set(at, secretBytes);
			this.tokenFiles.set(at, fileIndex);
			this.tokenLines.set(at, line);
			if ((this.oauth2Bytes?.get(at) ?? 0) === 0) this.tokenCount++;
			this.oauth1Count++;
			return;
		}
		if (had.token === token && had.secret === secret) return;
		const what = had.token === token ? 'access token secret' : 'access token';
		const other = `${this.summaries[this.tokenFiles.get(at)].file}:${this.tokenLines.get(at)}`;
		throw new InputError(
			this.summaries[fileIndex].file,
			line,
			`user ${this.ids[at]} has a different ${what} here than at ${other}; ` +
				'a migration cannot tell which one is right: keep one of the two rows',
			had.token === token ? 'access_token_secret' : 'access_token',
		);
	}
}
