/**
 * Input side of `x-aaa-migrate`: reads the legacy user lists (Site Streams info.json dumps,
 * User Streams CSV lists) and the token store, merges them into one user set and builds the
 * plan. No network: every InputError is raised before a single request is sent.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';

import { readCsvUsers, sniffDelimiter } from './csv-users';
import { InputError, asInputError } from './input-error';
import { readSiteStreamsInfo } from './sitestreams-json';
import { UserSet, type InputFormat } from './user-set';

export { InputError } from './input-error';
export { buildPlan, formatPlan } from './plan';
export type { MigrationPlan, PlanCounts, PlannedUser } from './plan';
export { UserSet, RedactedToken, OAuth2UserToken } from './user-set';
export type { InputFileSummary, InputFormat, InputRole, MergedUser, SourceRef } from './user-set';

/** First bytes of a file: enough to tell JSON from CSV and pick the CSV delimiter. */
async function readHead(file: string): Promise<Buffer> {
	let handle;
	try {
		handle = await open(file, 'r');
		const st = await handle.stat();
		if (!st.isFile()) {
			await handle.close();
			throw new InputError(file, undefined, `${st.isDirectory() ? 'is a directory' : 'is not a regular file'}: give the path of a file`);
		}
	} catch (error) {
		throw asInputError(file, error);
	}
	try {
		const buf = Buffer.alloc(64 * 1024);
		const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
		return buf.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
}

/**
 * Tells a Site Streams info.json from a CSV: `.json` files are JSON, `.csv`/`.tsv`/`.txt`
 * are CSV, anything else is JSON when its first character (after a BOM) is `{`.
 */
export async function detectFormat(file: string): Promise<{ format: InputFormat; head: Buffer }> {
	const head = await readHead(file);
	const text = head.toString('utf8').replace(/^\ufeff/, '');
	const first = text.trimStart().charAt(0);
	if (first === '') throw new InputError(file, undefined, 'file is empty');
	const ext = extname(file).toLowerCase();
	if (ext === '.json') return { format: 'sitestreams-json', head };
	if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return { format: 'csv', head };
	return { format: first === '{' ? 'sitestreams-json' : 'csv', head };
}

/**
 * Reads every `--from` input (JSON or CSV, several allowed) into one user set, merging
 * duplicates, then attaches the `--tokens` store. Without `--from` files the token store
 * is the user list (User Streams apps had no other). Throws InputError on bad input.
 */
export async function readUsers(
	fromFiles: readonly string[],
	tokensFile?: string,
	/** More users from elsewhere (e.g. an existing AAA subscription list), after the files. */
	extra?: { label: string; userIds: readonly string[] },
): Promise<UserSet> {
	const users = new UserSet();
	if (fromFiles.length === 0 && tokensFile === undefined && extra === undefined) {
		throw new Error('readUsers: give at least one --from file or a --tokens file');
	}
	const lists = fromFiles.length > 0 || extra ? fromFiles : [tokensFile as string];
	for (const file of lists) {
		const { format, head } = await detectFormat(file);
		const role = fromFiles.length === 0 ? 'tokens' : 'users';
		const fileIndex = users.addFile(file, format, role);
		if (format === 'sitestreams-json') {
			await readSiteStreamsInfo(file, (user) =>
				users.addUser(fileIndex, user.line, user.userId, {
					screenName: user.screenName,
					dm: user.dm,
				}),
			);
		} else {
			await readCsvUsers(
				file,
				role,
				(row) => users.addUser(fileIndex, row.line, row.userId, row),
				sniffDelimiter(head),
			);
		}
	}
	if (extra) {
		const fileIndex = users.addFile(extra.label, 'csv', 'users');
		extra.userIds.forEach((id, k) => users.addUser(fileIndex, k + 1, id));
	}
	if (tokensFile !== undefined && (fromFiles.length > 0 || extra)) {
		const { format, head } = await detectFormat(tokensFile);
		if (format !== 'csv') {
			throw new InputError(
				tokensFile,
				undefined,
				'the token store must be a CSV (user_id,access_token,access_token_secret)',
			);
		}
		const fileIndex = users.addFile(tokensFile, 'csv', 'tokens');
		await readCsvUsers(
			tokensFile,
			'tokens',
			(row) => users.addToken(fileIndex, row.line, row.userId, row.token, row.secret, row.oauth2),
			sniffDelimiter(head),
		);
	}
	return users;
}
