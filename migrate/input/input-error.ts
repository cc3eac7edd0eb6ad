/**
 * Bad migrate input: a file that cannot be read as a user list or token store. The CLI exits
 * with `exitCode` (2) before a single request is sent. The message always starts with
 * `file:line:` (or `file:` when no line applies) and never holds a token or secret.
 */
export class InputError extends Error {
	readonly exitCode = 2;

	constructor(
		/** The path as the user gave it. */
		readonly file: string,
		/** 1-based line of the offending value, when one applies. */
		readonly line: number | undefined,
		/** What was wrong, without the `file:line:` prefix. */
		readonly problem: string,
		/** The field or column at fault, e.g. `users[3].id` or `access_token`. */
		readonly field?: string,
	) {
		super(`${line === undefined ? file : `${file}:${line}`}: ${problem}`);
		this.name = 'InputError';
	}
}

/**
 * The InputError for a failure while reading `file`: an InputError passes through, a
 * file-system error becomes `file: cannot read: …`.
 */
export function asInputError(file: string, error: unknown): InputError {
	if (error instanceof InputError) return error;
	const code = (error as { code?: unknown } | undefined)?.code;
	if (code === 'ENOENT') return new InputError(file, undefined, 'no such file');
	return new InputError(
		file,
		undefined,
		`cannot read: ${error instanceof Error ? error.message : String(error)}`,
	);
}
