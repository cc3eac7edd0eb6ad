/**
 * Simulator configuration: the shape accepted from code or a JSON file (`--config FILE`), its
 * defaults, and the deterministic fake app and users generated when none are given.
 */
import { readFileSync } from 'node:fs';

import type { ApiFlavour } from '../client/types';
import { API_FLAVOURS } from '../client/types';
import { mulberry32, randomAlnum } from './prng';
import type { RateLimitGroup } from './rate-limits';

/** A user the simulator knows, with the OAuth 1.0a token the app holds for them. */
export interface SimUserInput {
	/** Decimal string; may exceed 2^53. */
	id: string;
	screenName: string;
	name?: string;
	token: string;
	secret: string;
	/** The user revoked the app: their token answers 401 code 89. */
	revoked?: boolean;
	/** The app may not manage this user's subscriptions: subscribe answers 403 code 348. */
	forbidden?: boolean;
}

export interface SimUser extends SimUserInput {
	name: string;
	revoked: boolean;
	forbidden: boolean;
}

export interface SimAppInput {
	consumerKey?: string;
	consumerSecret?: string;
	bearerToken?: string;
	/** X's numeric app id, as a string (appears in subscription lists and DM `apps` maps). */
	appId?: string;
	/** The app's name (`account_name` of the count endpoints, DM `apps` map). */
	name?: string;
	/** Which configured user owns the app (its token is the app-owner OAuth1 token). Default: first user. */
	ownerUserId?: string;
	/** The app's OAuth 2.0 client id and secret (user-context tokens). Default: generated. */
	oauth2ClientId?: string;
	oauth2ClientSecret?: string;
}

export interface FaultConfig {
	/** Probability in [0, 1] that an API request fails with a 5xx. */
	rate: number;
	/** PRNG seed: the same seed and the same request sequence give the same faults. Default 1. */
	seed?: number;
	/** Statuses to pick from (seeded). Default [500, 503]. */
	statuses?: number[];
	/** Only requests whose path matches (regex source or RegExp). Default: every API path. */
	paths?: string | RegExp;
}

export type PerFlavour<T> = Partial<Record<ApiFlavour, T>>;

export interface SimulatorConfig {
	/** TCP port on 127.0.0.1. Default 0 (any free port). */
	port?: number;
	/** Flavours served; the others answer 403 code 200 (v1.1) / 403 problem (v2). Default all three. */
	flavours?: ApiFlavour[];
	/** Premium environment names (case-sensitive). Default ['dev']. */
	environments?: string[];
	app?: SimAppInput;
	/** Users the app holds tokens for. Default: a deterministic owner plus five users. */
	users?: SimUserInput[];
	/** Additionally generate N users with deterministic ids and tokens (migrate tests). */
	generateUsers?: { count: number; seed?: number };
	/** X's clock (events, replay windows, created_at). Default Date.now. OAuth timestamps and rate-limit windows use the real clock. */
	now?: () => number;
	/** Enforce X's URL rules (https, no port). Default false so http://127.0.0.1:PORT works. */
	requireHttps?: boolean;
	/** CRC GET deadline. Default 3000 for v1.1 and 10000 for v2 (X's numbers); when set, applies to both. */
	crcTimeoutMs?: number;
	/** Deadline for a webhook POST. Default 10000. */
	deliveryTimeoutMs?: number;
	/**
	 * Delays before each retry of a failed delivery. X (enterprise) retries three times within about
	 * five minutes; the default is compressed to [250, 1000, 4000]. Premium has no retries.
	 */
	deliveryRetryDelaysMs?: number[];
	/** Per-flavour override of the retry delays. Default { premium: [] }. */
	deliveryRetryDelaysMsByFlavour?: PerFlavour<number[]>;
	/** Delay before a replay job starts delivering. Default 100. */
	replayStartDelayMs?: number;
	/** Webhooks per app (premium: per environment). Default { enterprise: 5, premium: 1, v2: 5 }. */
	webhookLimit?: PerFlavour<number>;
	/** Subscriptions per app (provisioned_count). Default { enterprise: 1000, premium: 15, v2: 1000 }. */
	subscriptionLimit?: PerFlavour<number>;
	/** Rate-limit window length. Default 900 (X's 15 minutes). */
	rateLimitWindowSeconds?: number;
	/**
	 * Count user-context requests (subscribe, check…) against one window per app instead of one
	 * per user. X documents these limits per app for AAA subscriptions; default false (per user).
	 */
	userLimitsPerApp?: boolean;
	/** Per-group limits (see RATE_LIMIT_DEFAULTS); key '*' overrides every group. */
	rateLimits?: Partial<Record<RateLimitGroup | '*', number>>;
	/** Added latency per API request: fixed ms or a [min, max] range (seeded). Default 0. */
	latencyMs?: number | [number, number];
	/** Seeded random 5xx faults. Default none. */
	faults?: FaultConfig;
	/** OAuth timestamp skew tolerated, seconds. Default 900 (15 minutes). */
	oauthTimestampSkewSeconds?: number;
	/** Seed for generated credentials and latency ranges. Default 42. */
	seed?: number;
}

export interface ResolvedApp {
	consumerKey: string;
	consumerSecret: string;
	bearerToken: string;
	appId: string;
	name: string;
	ownerUserId: string;
	oauth2ClientId: string;
	oauth2ClientSecret: string;
}

export interface ResolvedConfig {
	port: number;
	flavours: ApiFlavour[];
	environments: string[];
	app: ResolvedApp;
	users: SimUser[];
	now: () => number;
	requireHttps: boolean;
	crcTimeoutMs: Record<ApiFlavour, number>;
	deliveryTimeoutMs: number;
	retryDelaysMs: Record<ApiFlavour, number[]>;
	replayStartDelayMs: number;
	webhookLimit: Record<ApiFlavour, number>;
	subscriptionLimit: Record<ApiFlavour, number>;
	rateLimitWindowSeconds: number;
	userLimitsPerApp: boolean;
	rateLimits: Partial<Record<string, number>>;
	latencyMs: number | [number, number];
	faults?: { rate: number; seed: number; statuses: number[]; paths?: RegExp };
	oauthTimestampSkewSeconds: number;
	seed: number;
}

export class ConfigError extends Error {}

/** Fake default users: the owner plus a few, ids below and above 2^53 on purpose. */
function defaultUsers(seed: number): SimUserInput[] {
	const rng = mulberry32(seed);
	const people: Array<[string, string, string]> = [
		['2244994945', 'SimAppOwner', 'Simulator App Owner'],
		['1603419180975409153', 'alice_sim', 'Alice Sim'],
		['3001969357', 'bob_sim', 'Bob Sim'],
		['4337869213', 'carol_sim', 'Carol Sim'],
		['930524282358325248', 'dave_sim', 'Dave Sim'],
		['1661523610111193088', 'erin_sim', 'Erin Sim'],
	];
	return people.map(([id, screenName, name]) => ({
		id,
		screenName,
		name,
		token: `${id}-${randomAlnum(rng, 40)}`,
		secret: randomAlnum(rng, 45),
	}));
}

/**
 * N users with deterministic ids and tokens; cheap enough for tens of thousands.
 * Ids count up from 1700000000000000001 (above 2^53).
 */
export function generateUsers(count: number, seed = 7): SimUserInput[] {
	const rng = mulberry32(seed);
	const base = 1700000000000000000n;
	const out: SimUserInput[] = [];
	for (let i = 1; i <= count; i++) {
		const id = (base + BigInt(i)).toString();
		out.push({
			id,
			screenName: `sim_user_${i}`,
			name: `Sim User ${i}`,
			token: `${id}-${randomAlnum(rng, 40)}`,
			secret: randomAlnum(rng, 45),
		});
	}
	return out;
}

export function normaliseUser(u: SimUserInput): SimUser {
	if (typeof u.id !== 'string' || !/^\d{1,20}$/.test(u.id)) {
		throw new ConfigError(`user id must be a decimal string, got ${JSON.stringify(u.id)}`);
	}
	if (typeof u.screenName !== 'string' || !u.screenName) {
		throw new ConfigError(`user ${u.id}: screenName is required`);
	}
	if (typeof u.token !== 'string' || !u.token || typeof u.secret !== 'string' || !u.secret) {
		throw new ConfigError(`user ${u.id}: token and secret are required`);
	}
	return {
		...u,
		name: u.name ?? u.screenName,
		revoked: u.revoked === true,
		forbidden: u.forbidden === true,
	};
}

function num(v: unknown, what: string, min = 0): number {
	if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
		throw new ConfigError(`${what} must be a number >= ${min}`);
	}
	return v;
}

function perFlavour(
	given: PerFlavour<number> | undefined,
	defaults: Record<ApiFlavour, number>,
	what: string,
): Record<ApiFlavour, number> {
	const out = { ...defaults };
	for (const [k, v] of Object.entries(given ?? {})) {
		if (!API_FLAVOURS.includes(k as ApiFlavour))
			throw new ConfigError(`${what}: unknown flavour "${k}"`);
		out[k as ApiFlavour] = num(v, `${what}.${k}`, 0);
	}
	return out;
}

function delays(v: unknown, what: string): number[] {
	if (!Array.isArray(v)) throw new ConfigError(`${what} must be an array of milliseconds`);
	return v.map((d, i) => num(d, `${what}[${i}]`));
}

export function resolveConfig(config: SimulatorConfig = {}): ResolvedConfig {
	const seed = config.seed === undefined ? 42 : num(config.seed, 'seed');
	const flavours = config.flavours ?? [...API_FLAVOURS];
	for (const f of flavours) {
		if (!API_FLAVOURS.includes(f))
			throw new ConfigError(`flavours: unknown flavour "${String(f)}"`);
	}
	const environments = config.environments ?? ['dev'];
	if (
		!Array.isArray(environments) ||
		environments.some((e) => typeof e !== 'string' || !/^[A-Za-z0-9_-]+$/.test(e))
	) {
		throw new ConfigError('environments must be an array of names (letters, digits, _ and -)');
	}

	const inputs: SimUserInput[] = [...(config.users ?? defaultUsers(seed))];
	if (config.generateUsers) {
		inputs.push(
			...generateUsers(
				num(config.generateUsers.count, 'generateUsers.count'),
				config.generateUsers.seed,
			),
		);
	}
	const users = inputs.map(normaliseUser);
	const seen = new Set<string>();
	const tokens = new Set<string>();
	for (const u of users) {
		if (seen.has(u.id)) throw new ConfigError(`duplicate user id ${u.id}`);
		if (tokens.has(u.token))
			throw new ConfigError(`user ${u.id}: token already used by another user`);
		seen.add(u.id);
		tokens.add(u.token);
	}
	const ownerUserId = config.app?.ownerUserId ?? users[0]?.id;
	if (!ownerUserId || !seen.has(ownerUserId)) {
		throw new ConfigError(
			'app.ownerUserId must name one of the users (and at least one user is needed)',
		);
	}

	const rng = mulberry32(seed ^ 0x5eed);
	const app: ResolvedApp = {
		consumerKey: config.app?.consumerKey ?? randomAlnum(rng, 25),
		consumerSecret: config.app?.consumerSecret ?? randomAlnum(rng, 50),
		bearerToken: config.app?.bearerToken ?? `AAAAAAAAAAAAAAAAAAAAA${randomAlnum(rng, 90)}`,
		appId: config.app?.appId ?? '29000001',
		name: config.app?.name ?? 'x-aaa-simulator',
		ownerUserId,
		oauth2ClientId: '',
		oauth2ClientSecret: '',
	};
	// drawn after the other credentials, so those stay the same for a given seed
	app.oauth2ClientId = config.app?.oauth2ClientId ?? randomAlnum(rng, 34);
	app.oauth2ClientSecret = config.app?.oauth2ClientSecret ?? randomAlnum(rng, 50);

	const crcDefault: Record<ApiFlavour, number> = { enterprise: 3000, premium: 3000, v2: 10000 };
	const crcTimeoutMs =
		config.crcTimeoutMs === undefined
			? crcDefault
			: (() => {
					const t = num(config.crcTimeoutMs, 'crcTimeoutMs', 1);
					return { enterprise: t, premium: t, v2: t };
				})();
	const baseDelays =
		config.deliveryRetryDelaysMs === undefined
			? [250, 1000, 4000]
			: delays(config.deliveryRetryDelaysMs, 'deliveryRetryDelaysMs');
	const retryDelaysMs: Record<ApiFlavour, number[]> = {
		enterprise: baseDelays,
		premium: [],
		v2: baseDelays,
	};
	for (const [k, v] of Object.entries(config.deliveryRetryDelaysMsByFlavour ?? {})) {
		if (!API_FLAVOURS.includes(k as ApiFlavour)) {
			throw new ConfigError(`deliveryRetryDelaysMsByFlavour: unknown flavour "${k}"`);
		}
		retryDelaysMs[k as ApiFlavour] = delays(v, `deliveryRetryDelaysMsByFlavour.${k}`);
	}

	let latencyMs: number | [number, number] = 0;
	if (Array.isArray(config.latencyMs)) {
		const [a, b] = config.latencyMs;
		latencyMs = [num(a, 'latencyMs[0]'), num(b, 'latencyMs[1]')];
		if (latencyMs[0] > latencyMs[1]) throw new ConfigError('latencyMs range must be [min, max]');
	} else if (config.latencyMs !== undefined) latencyMs = num(config.latencyMs, 'latencyMs');

	let faults: ResolvedConfig['faults'];
	if (config.faults) {
		const f = config.faults;
		const rate = num(f.rate, 'faults.rate');
		if (rate > 1) throw new ConfigError('faults.rate must be between 0 and 1');
		const statuses = f.statuses ?? [500, 503];
		statuses.forEach((s, i) => {
			if (num(s, `faults.statuses[${i}]`, 500) > 599)
				throw new ConfigError('faults.statuses must be 5xx');
		});
		let paths: RegExp | undefined;
		if (f.paths instanceof RegExp) paths = f.paths;
		else if (typeof f.paths === 'string') {
			try {
				paths = new RegExp(f.paths);
			} catch {
				throw new ConfigError(`faults.paths is not a valid regular expression: ${f.paths}`);
			}
		}
		faults = { rate, seed: f.seed ?? 1, statuses, paths };
	}

	if (config.rateLimits) {
		for (const [k, v] of Object.entries(config.rateLimits)) num(v, `rateLimits.${k}`);
	}

	return {
		port: config.port === undefined ? 0 : num(config.port, 'port'),
		flavours,
		environments,
		app,
		users,
		now: config.now ?? Date.now,
		requireHttps: config.requireHttps === true,
		crcTimeoutMs,
		deliveryTimeoutMs:
			config.deliveryTimeoutMs === undefined
				? 10000
				: num(config.deliveryTimeoutMs, 'deliveryTimeoutMs', 1),
		retryDelaysMs,
		replayStartDelayMs:
			config.replayStartDelayMs === undefined
				? 100
				: num(config.replayStartDelayMs, 'replayStartDelayMs'),
		webhookLimit: perFlavour(
			config.webhookLimit,
			{ enterprise: 5, premium: 1, v2: 5 },
			'webhookLimit',
		),
		subscriptionLimit: perFlavour(
			config.subscriptionLimit,
			{ enterprise: 1000, premium: 15, v2: 1000 },
			'subscriptionLimit',
		),
		rateLimitWindowSeconds:
			config.rateLimitWindowSeconds === undefined
				? 900
				: num(config.rateLimitWindowSeconds, 'rateLimitWindowSeconds', 0.001),
		userLimitsPerApp: config.userLimitsPerApp === true,
		rateLimits: { ...(config.rateLimits ?? {}) },
		latencyMs,
		faults,
		oauthTimestampSkewSeconds:
			config.oauthTimestampSkewSeconds === undefined
				? 900
				: num(config.oauthTimestampSkewSeconds, 'oauthTimestampSkewSeconds'),
		seed,
	};
}

const FILE_KEYS = new Set<string>([
	'port',
	'flavours',
	'environments',
	'app',
	'users',
	'generateUsers',
	'requireHttps',
	'crcTimeoutMs',
	'deliveryTimeoutMs',
	'deliveryRetryDelaysMs',
	'deliveryRetryDelaysMsByFlavour',
	'replayStartDelayMs',
	'webhookLimit',
	'subscriptionLimit',
	'rateLimitWindowSeconds',
	'rateLimits',
	'latencyMs',
	'faults',
	'oauthTimestampSkewSeconds',
	'seed',
]);

/** Reads and checks a JSON config file. Throws ConfigError with a message fit for a person. */
export function loadConfigFile(path: string): SimulatorConfig {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (e) {
		throw new ConfigError(
			`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
		);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (e) {
		throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new ConfigError(`config file ${path} must hold a JSON object`);
	}
	const unknown = Object.keys(parsed).filter((k) => !FILE_KEYS.has(k));
	if (unknown.length)
		throw new ConfigError(`config file ${path}: unknown field(s) ${unknown.join(', ')}`);
	const config = parsed as SimulatorConfig;
	// Resolve once now so every mistake surfaces here, with the file named.
	try {
		resolveConfig(config);
	} catch (e) {
		if (e instanceof ConfigError) throw new ConfigError(`config file ${path}: ${e.message}`);
		throw e;
	}
	return config;
}
