/**
 * Who am I: GET /1.1/account/verify_credentials.json and GET /2/users/me, answered for the user
 * whose OAuth 1.0a token signed the request. The nodes' credential test and the trigger (to
 * learn the owner's user id) use them.
 */
import type { RequestCtx, Route } from './router';
import { compilePath } from './router';
import type { Reply } from './responses';

function v1User(rc: RequestCtx): Reply {
	const u = rc.user!;
	return { status: 200, body: { id: BigInt(u.id), id_str: u.id, name: u.name, screen_name: u.screenName } };
}

function v2User(rc: RequestCtx): Reply {
	const u = rc.user!;
	return { status: 200, body: { data: { id: u.id, name: u.name, username: u.screenName } } };
}

export function accountRoutes(): Route[] {
	return [
		{
			method: 'GET',
			pattern: compilePath('/1.1/account/verify_credentials.json'),
			api: 'v1',
			auth: 'user',
			group: 'account.verifyCredentials',
			handle: v1User,
		},
		{
			method: 'GET',
			pattern: compilePath('/2/users/me'),
			api: 'v2',
			auth: 'user',
			group: 'v2.users.me',
			handle: v2User,
		},
	];
}
