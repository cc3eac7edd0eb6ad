/**
 * Framing of `GET /2/activity/stream`: newline-delimited JSON, one envelope per line
 * (`{"data":{…}}` or `{"errors":[…]}`), and blank lines (`\r\n`) as keep-alives. Chunks from the
 * network split lines anywhere (even inside a multi-byte character), so bytes are kept until a
 * line is whole. Pure: no I/O, no timers.
 */
import { parseJsonLossless } from '../../client/lossless-json';

export type StreamFrame =
	| { kind: 'keepalive' }
	| { kind: 'data'; line: string; body: { data: Record<string, unknown> } }
	| { kind: 'errors'; line: string; errors: Array<Record<string, unknown>> }
	| { kind: 'invalid'; line: string; reason: string };

/** A line longer than this without a newline is treated as garbage (ours: X documents no limit). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const NL = 0x0a;

export class LineSplitter {
	private parts: Buffer[] = [];
	private pending = 0;

	/** Bytes of an unfinished line held (a drop mid-line leaves them here, then reset() discards them). */
	get buffered(): number {
		return this.pending;
	}

	/** Feeds one chunk; returns the frames of every line it completed. */
	push(chunk: Buffer | string): StreamFrame[] {
		const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		const frames: StreamFrame[] = [];
		let start = 0;
		for (let i = buf.indexOf(NL); i !== -1; i = buf.indexOf(NL, start)) {
			const piece = buf.subarray(start, i);
			const line =
				this.pending > 0 ? Buffer.concat([...this.parts, piece]).toString('utf8') : piece.toString('utf8');
			this.parts = [];
			this.pending = 0;
			frames.push(parseLine(line));
			start = i + 1;
		}
		if (start < buf.length) {
			const rest = buf.subarray(start);
			this.parts.push(Buffer.from(rest)); // copy: the caller may reuse its buffer
			this.pending += rest.length;
			if (this.pending > MAX_LINE_BYTES) {
				this.reset();
				frames.push({ kind: 'invalid', line: '', reason: `a line exceeded ${MAX_LINE_BYTES} bytes` });
			}
		}
		return frames;
	}

	/** Drops a partial line (after a disconnect: the rest of it will never come). */
	reset(): void {
		this.parts = [];
		this.pending = 0;
	}
}

export function parseLine(raw: string): StreamFrame {
	const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
	if (line.trim() === '') return { kind: 'keepalive' };
	let body: unknown;
	try {
		body = parseJsonLossless(line);
	} catch (e) {
		return { kind: 'invalid', line, reason: `not JSON (${(e as Error).message})` };
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		return { kind: 'invalid', line, reason: 'not a JSON object' };
	const o = body as Record<string, unknown>;
	if (typeof o.data === 'object' && o.data !== null && !Array.isArray(o.data))
		return { kind: 'data', line, body: o as { data: Record<string, unknown> } };
	if (Array.isArray(o.errors))
		return {
			kind: 'errors',
			line,
			errors: o.errors.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null),
		};
	return { kind: 'invalid', line, reason: 'neither data nor errors' };
}
