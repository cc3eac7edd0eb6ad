/**
 * `x-aaa-migrate` command line: flags → MigrateOptions, the usage text, and ConfigError (exit 2,
 * raised before a single request is sent). Credentials come from the environment only.
 */
import { parseArgs as parseArgsUtil, type ParseArgsConfig } from 'node:util';

import type { ApiFlavour } from '../client/types';
import { XAA_EVENT_CATALOGUE, XAA_SUBSCRIBABLE_EVENT_TYPES, canonicalXaaEventType, type XaaEventType } from '../client/xaa-event-types';

export class ConfigError extends Error {
	readonly exitCode = 2;

	constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}

export type MigrationTo = 'aaa' | 'xaa';

export interface MigrateOptions {
	from: string[];
	tokens?: string;
	webhookId?: string;
	webhookUrl?: string;
	api: ApiFlavour;
	env?: string;
	baseUrl?: string;
	concurrency: number;
	/** Journal; default: beside the report, `<report>.state.jsonl`. */
	state?: string;
	report: string;
	dryRun: boolean;
	verify: boolean;
	simulate: boolean;
	/** --simulate only: how many users the simulator generates. */
	simulateUsers: number;
	to: MigrationTo;
	/** --to xaa: take the users from this v2 webhook's AAA subscription list too. */
	fromAaa?: string;
	/** --to xaa: the event types to subscribe each user to (default AAA_EQUIVALENT_XAA_TYPES). */
	eventTypes?: XaaEventType[];
	/** --to xaa: the tag every created subscription carries (default x-aaa-migrate). */
	tag?: string;
	/** --to xaa: subscriptions the migration may use (default 1,500: self-serve; enterprise 75,000). */
	cap?: number;
	/** --to xaa: migrate the users that fit under the cap (in input order) instead of refusing. */
	partial?: boolean;
	/** Start over: discard the journal at --state instead of resuming it. */
	restart: boolean;
	help: boolean;
}

/** Default tag on XAA subscriptions made by migrate: find them later with it. */
export const XAA_DEFAULT_TAG = 'x-aaa-migrate';
/** Default --cap: the self-serve tier's subscription limit (enterprise: 75,000). */
export const XAA_DEFAULT_CAP = 1500;
/** --simulate --to xaa: users the simulator generates by default (60 × 17 = 1,020 subscriptions). */
export const XAA_SIMULATE_USERS = 60;

export const USAGE = `Usage: x-aaa-migrate --from FILE [--from FILE …] [--tokens CSV]
                     (--webhook-id ID | --webhook-url URL) [options]
       x-aaa-migrate --to xaa (--from FILE … | --from-aaa ID) [--tokens CSV]
                     (--webhook-id ID | --webhook-url URL) [--event-types LIST] [options]
       x-aaa-migrate --simulate [--to xaa] [options]

Moves an X app's users off Site Streams / User Streams onto Account Activity API
subscriptions (AAA: deprecated, no date announced), or with --to xaa onto X Activity API
subscriptions: reads the user lists, plans, subscribes every user with their own token (at
the rate X allows), journals each outcome, verifies against X's list and writes a report.

Inputs
  --from FILE          Site Streams info.json or User Streams CSV; repeat to merge several
  --tokens CSV         token store: user_id,access_token,access_token_secret and/or
                       oauth2_access_token (or token columns in the --from CSVs)
Target
  --webhook-id ID      subscribe users to this registered webhook
  --webhook-url URL    reuse the webhook registered for this URL, or register it
                       (X calls only https URLs without a port)
  --api FLAVOUR        enterprise (default) | premium | v2
  --env NAME           premium environment name (case-sensitive; required with premium;
                       --simulate uses the simulator's "dev")
  --base-url URL       X API base URL (default https://api.x.com)
  --to aaa|xaa         aaa (default): AAA subscriptions; xaa: X Activity API subscriptions
                       (one per user and event type; needs v2: implies --api v2)
X Activity API (--to xaa)
  --from-aaa ID        also take the users of this v2 webhook's AAA subscription list
                       (tokens still come from --tokens); may be combined with --from
  --event-types LIST   comma-separated XAA event types (default: the 17 equivalents of what
                       AAA delivered); private types need the user's own token
  --tag TAG            tag on every created subscription (default x-aaa-migrate)
  --cap N              subscriptions the migration may use (default 1500, self-serve;
                       enterprise 75000); a plan over the cap is refused (exit 2)
  --partial            over the cap: migrate the users that fit, in input order, and report
                       the rest (status failed, "not attempted: over the subscription cap")
Run
  --concurrency N      requests in flight at once (1-256, default 16)
  --state FILE         journal for resuming a stopped run (default <report>.state.jsonl)
  --restart            discard the journal at --state and start over
  --report FILE        JSON report (default migrate-report.json) and a CSV twin (.csv)
  --dry-run            read the inputs, print the plan, send nothing
  --no-verify          skip listing X's subscriptions after the run
  --simulate           demo against the built-in X simulator with generated users and tokens
  --simulate-users N   users the simulator generates (default 300)
  --help               this text

Credentials (environment only, never flags; never printed)
  X_CONSUMER_KEY, X_CONSUMER_SECRET        the app's keys (required)
  X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET    app owner's token (to register/find a webhook by URL)
  X_BEARER_TOKEN                           app-only bearer (optional; fetched when absent)

Exit codes
  0  every user subscribed (or already was) and verified
  1  some user needs attention (needs_reauth, missing_token, failed, not_started, not
     verified) or X failed
  2  bad input or configuration: nothing was sent
`;

/** Every flag: its kind. The names are what --help lists (without the dashes). */
const FLAGS = {
	from: { type: 'string', multiple: true },
	tokens: { type: 'string' },
	'webhook-id': { type: 'string' },
	'webhook-url': { type: 'string' },
	api: { type: 'string' },
	env: { type: 'string' },
	'base-url': { type: 'string' },
	concurrency: { type: 'string' },
	state: { type: 'string' },
	report: { type: 'string' },
	to: { type: 'string' },
	'from-aaa': { type: 'string' },
	'simulate-users': { type: 'string' },
	'event-types': { type: 'string' },
	tag: { type: 'string' },
	cap: { type: 'string' },
	'dry-run': { type: 'boolean' },
	'no-verify': { type: 'boolean' },
	simulate: { type: 'boolean' },
	partial: { type: 'boolean' },
	restart: { type: 'boolean' },
	help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

type FlagName = keyof typeof FLAGS;

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let prev = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const cur = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = cur;
		}
	}
	return row[b.length];
}

/** The closest known flag to a mistyped one, when it is close enough to be a typo. */
export function suggestFlag(flag: string): string | undefined {
	const name = flag.replace(/^-+/, '');
	let best: string | undefined;
	let bestD = Infinity;
	for (const known of Object.keys(FLAGS)) {
		const d = known.startsWith(name) && name.length >= 3 ? 1 : distance(name, known);
		if (d < bestD) {
			bestD = d;
			best = known;
		}
	}
	return best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3)) ? `--${best}` : undefined;
}

/**
 * Parses the flags with node:util.parseArgs (its tokens, so that every mistake gets the
 * command's own message). Throws ConfigError on anything unknown or malformed.
 */
export function parseArgs(argv: readonly string[]): MigrateOptions {
	const o: MigrateOptions = {
		from: [],
		api: 'enterprise',
		concurrency: 16,
		report: 'migrate-report.json',
		dryRun: false,
		verify: true,
		simulate: false,
		simulateUsers: 300,
		to: 'aaa',
		restart: false,
		help: false,
	};
	const { tokens } = parseArgsUtil({ args: [...argv], options: FLAGS, strict: false, allowPositionals: true, tokens: true });
	const seen = new Set<string>();
	let reportGiven = false;
	for (const t of tokens) {
		if (t.kind === 'positional') throw new ConfigError(`unexpected argument "${t.value}" (see --help)`);
		if (t.kind === 'option-terminator') throw new ConfigError('unexpected argument "--" (see --help)');
		if (!Object.prototype.hasOwnProperty.call(FLAGS, t.name)) {
			const hint = suggestFlag(t.rawName);
			throw new ConfigError(`unknown flag ${t.rawName}${hint ? ` (did you mean ${hint}?)` : ' (see --help)'}`);
		}
		const name = t.name as FlagName;
		const flag = `--${name}`;
		if (FLAGS[name].type === 'boolean') {
			if (t.value !== undefined) throw new ConfigError(`${flag} takes no value`);
			if (name === 'dry-run') o.dryRun = true;
			else if (name === 'no-verify') o.verify = false;
			else if (name === 'simulate') o.simulate = true;
			else if (name === 'restart') o.restart = true;
			else if (name === 'partial') {
				seen.add(flag);
				o.partial = true;
			} else o.help = true;
			continue;
		}
		const value = t.value;
		if (value === undefined || (!t.inlineValue && value.startsWith('--') && value.length > 2)) {
			throw new ConfigError(`${flag} needs a value`);
		}
		if (name !== 'from' && seen.has(flag)) throw new ConfigError(`${flag} given twice`);
		seen.add(flag);
		switch (name) {
			case 'from':
				o.from.push(value);
				break;
			case 'tokens':
				o.tokens = value;
				break;
			case 'webhook-id':
				if (!/^\d{1,20}$/.test(value)) throw new ConfigError(`--webhook-id must be a numeric webhook id (got "${value}")`);
				o.webhookId = value;
				break;
			case 'webhook-url':
				o.webhookUrl = httpUrl(flag, value);
				break;
			case 'api':
				if (value !== 'enterprise' && value !== 'premium' && value !== 'v2') {
					throw new ConfigError(`--api must be enterprise, premium or v2 (got "${value}")`);
				}
				o.api = value;
				break;
			case 'env':
				if (!value.trim()) throw new ConfigError('--env needs the premium environment name');
				o.env = value;
				break;
			case 'base-url':
				o.baseUrl = httpUrl(flag, value);
				break;
			case 'concurrency':
				o.concurrency = positiveInt(flag, value, 256);
				break;
			case 'simulate-users':
				o.simulateUsers = positiveInt(flag, value, 100_000);
				break;
			case 'state':
				o.state = value;
				break;
			case 'report':
				o.report = value;
				reportGiven = true;
				break;
			case 'to':
				if (value !== 'aaa' && value !== 'xaa') throw new ConfigError(`--to must be aaa or xaa (got "${value}")`);
				o.to = value;
				break;
			case 'from-aaa':
				if (!/^\d{1,20}$/.test(value)) throw new ConfigError(`--from-aaa must be a numeric v2 webhook id (got "${value}")`);
				o.fromAaa = value;
				break;
			case 'event-types':
				o.eventTypes = parseEventTypes(value);
				break;
			case 'tag':
				if (value.length < 1 || value.length > 200) throw new ConfigError('--tag must be 1 to 200 characters');
				o.tag = value;
				break;
			case 'cap':
				o.cap = positiveInt(flag, value, 10_000_000);
				break;
		}
	}
	if (o.help) return o;
	if (o.to === 'xaa') {
		if (seen.has('--api') && o.api !== 'v2') {
			throw new ConfigError(
				`--to xaa uses X's v2 API (XAA subscriptions deliver to v2 webhooks): give --api v2 or leave --api out, not --api ${o.api}`,
			);
		}
		o.api = 'v2';
		o.tag ??= XAA_DEFAULT_TAG;
		o.cap ??= XAA_DEFAULT_CAP;
		o.partial ??= false;
		if (o.simulate && !seen.has('--simulate-users')) o.simulateUsers = XAA_SIMULATE_USERS;
		if (o.simulate && o.fromAaa !== undefined) throw new ConfigError('--simulate makes its own inputs, simulator and webhook: drop --from-aaa');
	} else {
		for (const f of ['--from-aaa', '--event-types', '--tag', '--cap', '--partial'] as const) {
			if (seen.has(f)) throw new ConfigError(`${f} only applies to --to xaa (the X Activity API)`);
		}
	}
	if (o.api === 'premium' && !o.env && !o.simulate) throw new ConfigError('--api premium needs --env NAME (the environment, case-sensitive)');
	if (o.api !== 'premium' && o.env !== undefined) throw new ConfigError('--env only applies to --api premium');
	if (o.webhookId !== undefined && o.webhookUrl !== undefined) {
		throw new ConfigError('give either --webhook-id or --webhook-url, not both');
	}
	if (o.simulate) {
		for (const f of ['--from', '--tokens', '--base-url', '--webhook-id', '--webhook-url'] as const) {
			if (f === '--from' ? o.from.length > 0 : seen.has(f)) {
				throw new ConfigError(`--simulate makes its own inputs, simulator and webhook: drop ${f}`);
			}
		}
		if (!reportGiven) o.report = '';
		return o;
	}
	if (o.from.length === 0 && o.tokens === undefined && o.fromAaa === undefined) {
		throw new ConfigError(o.to === 'xaa' ? 'give at least one --from FILE, a --tokens CSV or --from-aaa WEBHOOK_ID' : 'give at least one --from FILE (or a --tokens CSV)');
	}
	if (!o.dryRun && o.webhookId === undefined && o.webhookUrl === undefined) {
		throw new ConfigError('give --webhook-id ID or --webhook-url URL (the webhook to subscribe users to)');
	}
	if (o.webhookUrl !== undefined) checkWebhookUrl(o.webhookUrl, o.baseUrl);
	return o;
}

function httpUrl(flag: string, value: string): string {
	try {
		const u = new URL(value);
		if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
	} catch {
		throw new ConfigError(`${flag} must be an http(s) URL (got "${value}")`);
	}
	return value;
}

/** X's own API hosts: a webhook registered there must be what X can call. */
const X_HOSTS = new Set(['api.x.com', 'api.twitter.com']);

/**
 * X only calls public https URLs without a port (README, "what X needs"). Checked before any
 * request when the target is X itself; a local simulator or proxy base URL may take anything.
 */
export function checkWebhookUrl(url: string, baseUrl: string | undefined): void {
	const base = new URL(baseUrl ?? 'https://api.x.com');
	if (!X_HOSTS.has(base.hostname)) return;
	const u = new URL(url);
	if (u.protocol !== 'https:') throw new ConfigError(`--webhook-url must be https: X only calls https webhooks (got ${u.protocol}//${u.host})`);
	if (u.port !== '') throw new ConfigError(`--webhook-url must not have a port: X only calls the default https port (got :${u.port})`);
}

/** `--event-types a,b,c`: each checked against the catalogue (exit 2 naming the bad one). */
function parseEventTypes(value: string): XaaEventType[] {
	const out: XaaEventType[] = [];
	for (const raw of value.split(',')) {
		const name = raw.trim();
		if (!name) continue;
		const t = canonicalXaaEventType(name);
		if (!t) {
			throw new ConfigError(
				`--event-types: "${name}" is not an XAA event type (one of ${XAA_SUBSCRIBABLE_EVENT_TYPES.join(', ')})`,
			);
		}
		const info = XAA_EVENT_CATALOGUE[t];
		if (!info.subscribable) throw new ConfigError(`--event-types: ${t} cannot be subscribed to: X delivers it to the app unasked`);
		if (info.filter !== 'user_id') {
			throw new ConfigError(`--event-types: ${t} is filtered by keyword, not by user: it does not belong in a per-user migration`);
		}
		if (!out.includes(t)) out.push(t);
	}
	if (out.length === 0) throw new ConfigError('--event-types needs at least one XAA event type');
	return out;
}

function positiveInt(flag: string, value: string, max: number): number {
	if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
		throw new ConfigError(`${flag} must be a whole number from 1 to ${max} (got "${value}")`);
	}
	return Number(value);
}

/** The app's credentials from the environment. Throws ConfigError naming what is missing. */
export interface EnvCredentials {
	consumerKey: string;
	consumerSecret: string;
	accessToken?: string;
	accessTokenSecret?: string;
	bearerToken?: string;
}

export function credentialsFromEnv(env: NodeJS.ProcessEnv, needOwner: boolean): EnvCredentials {
	const get = (k: string) => {
		const v = env[k]?.trim();
		return v ? v : undefined;
	};
	const c: EnvCredentials = {
		consumerKey: get('X_CONSUMER_KEY') ?? '',
		consumerSecret: get('X_CONSUMER_SECRET') ?? '',
		accessToken: get('X_ACCESS_TOKEN'),
		accessTokenSecret: get('X_ACCESS_TOKEN_SECRET'),
		bearerToken: get('X_BEARER_TOKEN'),
	};
	const missing: string[] = [];
	if (!c.consumerKey) missing.push('X_CONSUMER_KEY');
	if (!c.consumerSecret) missing.push('X_CONSUMER_SECRET');
	if (needOwner) {
		if (!c.accessToken) missing.push('X_ACCESS_TOKEN');
		if (!c.accessTokenSecret) missing.push('X_ACCESS_TOKEN_SECRET');
	}
	if (missing.length > 0) {
		throw new ConfigError(
			`missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` +
				(needOwner && (missing.includes('X_ACCESS_TOKEN') || missing.includes('X_ACCESS_TOKEN_SECRET'))
					? ' (the app owner\'s token is needed to find or register the webhook by URL)'
					: ''),
		);
	}
	return c;
}
