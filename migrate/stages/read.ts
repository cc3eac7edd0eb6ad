/**
 * Stage 1, read: the inputs become one user set. Files are read and checked first (exit 2 with
 * file:line, before any credential is looked at); only `--from-aaa` then asks X for a list.
 */
import type { XClient } from '../../client/x-client';
import { readUsers, type UserSet } from '../input';
import { ConfigError, type MigrateOptions } from '../options';

export interface ReadResult {
	users: UserSet;
	/** --from-aaa: the AAA webhook whose subscription list gave users, and how many. */
	fromAaa?: { id: string; users: number; label: string };
}

export async function readStage(
	options: Pick<MigrateOptions, 'from' | 'tokens' | 'fromAaa'>,
	connect: () => XClient,
): Promise<ReadResult> {
	const hasFiles = options.from.length > 0 || options.tokens !== undefined;
	let users = hasFiles ? await readUsers(options.from, options.tokens) : undefined;
	if (options.fromAaa === undefined) {
		if (!users) throw new ConfigError('give at least one --from FILE (or a --tokens CSV)');
		return { users };
	}
	const client = connect();
	await client.getBearerToken();
	const list = await client.listSubscriptions({ webhookId: options.fromAaa });
	const label = `AAA subscriptions of webhook ${options.fromAaa}`;
	users = await readUsers(options.from, options.tokens, { label, userIds: list.userIds });
	return { users, fromAaa: { id: options.fromAaa, users: list.userIds.length, label } };
}
