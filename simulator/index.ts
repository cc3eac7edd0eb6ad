/**
 * The X simulator: a local stand-in for X's Account Activity API servers (enterprise v1.1,
 * premium v1.1, v2) on 127.0.0.1, with real OAuth 1.0a verification, real CRC checks against
 * webhook URLs, signed deliveries with retries, replay, rate limits and injectable faults.
 *
 *   const sim = await startSimulator({ rateLimitWindowSeconds: 2 });
 *   // point the client at sim.baseUrl with sim.app's credentials …
 *   await sim.stop();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ApiFlavour } from '../client/types';
import { createAdminHandler } from './admin';
import type { SimUser, SimUserInput, SimulatorConfig } from './config';
import { resolveConfig } from './config';
import type { DeliveryRecord, RequestLogEntry, SimContext } from './context';
import { deliverTo, deliveryTargets, type DeliverOptions } from './delivery';
import { emitEvents, type EmitOptions, type EmitResult } from './emit';
import { EventBuilder, type EmitKind } from './events';
import { FaultInjector, type FailNextOptions, type HangNextOptions } from './faults';
import { Lifecycle } from './lifecycle';
import { NonceStore } from './oauth-verify';
import { RateLimiter } from './rate-limits';
import { isoV2 } from './responses';
import { enterpriseRoutes, premiumRoutes } from './routes-v1';
import { oauth2Routes } from './routes-oauth2';
import { type IssuedOAuth2Token } from './oauth2-tokens';
import { oauth2UserRoutes } from './oauth2-user';
import { accountRoutes } from './routes-account';
import { v2Routes } from './routes-v2';
import { createRequestHandler } from './server';
import { SimState, premiumScope, type ReplayJobRecord } from './state';
import { revalidate, type CrcResult } from './webhooks';
import type { XaaEventType } from '../client/xaa-event-types';
import { emitXaaEvents, type XaaEmitOptions, type XaaEmitResult } from './xaa-emit';
import { XaaEventBuilder } from './xaa-events';
import { xaaRoutes, xaaSubscriptionJson } from './xaa-routes';
import type { XaaSimulatorConfig, XaaStreamListener } from './xaa-state';
import { createStreamHub, type XaaStreamControl, type XaaStreamOptions } from './xaa-stream';

export type { SimUser, SimUserInput, SimulatorConfig, FaultConfig, SimAppInput } from './config';
export { ConfigError, generateUsers, loadConfigFile } from './config';
export type { DeliveryAttempt, DeliveryRecord, RequestLogEntry, AuthKind } from './context';
export type { DeliverOptions } from './delivery';
export type { EmitOptions, EmitResult } from './emit';
export { EMIT_KINDS, EventBuilder, type EmitKind, type Person } from './events';
export type { FailNextOptions, HangNextOptions } from './faults';
export { RATE_LIMIT_DEFAULTS, type RateLimitGroup } from './rate-limits';
export type { ReplayJobRecord } from './state';
export type { CrcResult } from './webhooks';
export type { XaaEmitOptions, XaaEmitResult } from './xaa-emit';
export { XaaEventBuilder, type XaaBuildOptions, type XaaEventParts } from './xaa-events';
export type { XaaSimulatorConfig, XaaSimulatorOptions, XaaStreamListener, XaaTier } from './xaa-state';
export { XAA_TIER_CAPS } from './xaa-state';
export type { IssuedOAuth2Token } from './oauth2-tokens';
export { OAUTH2_ACCESS_TOKEN_SECONDS } from './oauth2-tokens';
export type { XaaStreamControl, XaaStreamOptions, StreamConnectRecord } from './xaa-stream';

/** startSimulator's options: SimulatorConfig plus the X Activity API's (`xaa`). */
export type SimulatorOptions = SimulatorConfig & XaaSimulatorConfig & { stream?: XaaStreamOptions };

/** An XAA subscription as X would list it (GET /2/activity/subscriptions item). */
export interface XaaSubscriptionInfo {
	subscription_id: string;
	event_type: string;
	filter: { user_id?: string; keyword?: string; direction?: string };
	created_at: string;
	updated_at: string;
	tag?: string;
	webhook_id?: string;
}

/** The app's credentials as an n8n credential / the client wants them. */
export interface SimulatorApp {
	consumerKey: string;
	consumerSecret: string;
	/** The app owner's token (registers webhooks on v1.1). */
	accessToken: string;
	accessTokenSecret: string;
	bearerToken: string;
	ownerUserId: string;
	appId: string;
	name: string;
	/** The first premium environment name. */
	environment: string;
	/** Every premium environment name. */
	environments: string[];
	flavours: ApiFlavour[];
	/** The app's OAuth 2.0 client (authorization code + PKCE for user-context tokens). */
	oauth2ClientId: string;
	oauth2ClientSecret: string;
}

export interface WebhookInfo {
	id: string;
	url: string;
	valid: boolean;
	createdAt: string;
	flavour: ApiFlavour;
	environment?: string;
	/** Subscribed user ids (premium: the environment's). */
	subscriptions: string[];
}

export interface SimulatorStats {
	/** API requests answered (admin requests excluded). */
	requests: number;
	/** 429 answers in total. */
	rateLimited: number;
	/** 429 answers per identity ('app' or 'user:<id>'). */
	rateLimitedByIdentity: Record<string, number>;
}

export interface Simulator {
	/** http://127.0.0.1:PORT */
	readonly baseUrl: string;
	readonly port: number;
	readonly app: SimulatorApp;
	users(): SimUser[];
	addUser(user: SimUserInput): SimUser;
	/** The user revokes the app: their token answers 401 code 89; their subscriptions are gone. */
	revokeUser(userId: string): boolean;
	/** Removes a subscription behind the client's back (a lost subscription). Scope: webhook id or premium environment name. */
	dropSubscription(webhookIdOrEnv: string, userId: string): boolean;
	/** Subscribed user ids of a webhook (premium: of its environment) or of a premium environment name. */
	subscriptions(webhookIdOrEnv: string): string[];
	webhooks(): WebhookInfo[];
	/** X's hourly CRC, now: `valid` follows the outcome. Undefined for an unknown id. */
	runCrc(webhookId: string): Promise<CrcResult | undefined>;
	/** POSTs the payload (exact bytes for string/Buffer) to every valid webhook (or one), signed, with retries. */
	deliver(payload: string | Buffer | object, opts?: DeliverOptions): Promise<DeliveryRecord[]>;
	/** Builds realistic events and delivers them to the webhooks the user is subscribed on. */
	emit(kind: EmitKind, opts?: EmitOptions): Promise<EmitResult>;
	readonly events: EventBuilder;
	/** Builds an XAA event and delivers it to every matching XAA subscription (one POST each). */
	emitXaa(eventType: XaaEventType, opts?: XaaEmitOptions): Promise<XaaEmitResult>;
	/** The app's XAA subscriptions, oldest first. */
	xaaSubscriptions(): XaaSubscriptionInfo[];
	readonly xaaEvents: XaaEventBuilder;
	/**
	 * An OAuth 2.0 user-context token for the user, as X's token endpoint would issue it after
	 * consent (a refresh token with offline.access). Default scopes: every read scope XAA names.
	 */
	issueOAuth2Token(userId: string, opts?: { scopes?: string[]; expiresInSeconds?: number }): IssuedOAuth2Token;
	/** The access token expires now: the next request with it answers 401. */
	expireOAuth2Token(accessToken: string): boolean;
	/**
	 * Events of subscriptions without webhook_id (X: the activity stream only) go to `listener`;
	 * the activity stream endpoint hangs here. Returns the unsubscribe function.
	 */
	onXaaStreamEvent(listener: XaaStreamListener): () => void;
	/** GET /2/activity/stream: open connections, connect log, faults. */
	readonly stream: XaaStreamControl;
	/** The next n API requests (matching pathPattern) answer `status` (default 503). */
	failNext(n: number, opts?: FailNextOptions): void;
	/** The next n API requests (matching pathPattern) are never answered. */
	hangNext(n?: number, opts?: HangNextOptions): void;
	replayJobs(): ReplayJobRecord[];
	resetRateLimits(): void;
	readonly requestLog: RequestLogEntry[];
	readonly deliveries: DeliveryRecord[];
	readonly stats: SimulatorStats;
	/** Resolves when deliveries, retries and replay jobs in flight have finished. */
	whenIdle(): Promise<void>;
	/** Closes the server and every socket, cancels timers and outgoing requests. */
	stop(): Promise<void>;
}

/** The scopes of this package's OAuth 2.0 credential by default. */
const DEFAULT_OAUTH2_SCOPES = ['tweet.read', 'users.read', 'like.read', 'dm.read', 'mute.read', 'block.read', 'broadcast.read', 'offline.access'];

export async function startSimulator(config: SimulatorOptions = {}): Promise<Simulator> {
	const resolved = resolveConfig(config);
	const state = new SimState(resolved.users);
	state.xaa.configure(config.xaa);
	const ctx: SimContext = {
		config: resolved,
		state,
		life: new Lifecycle(),
		limiter: new RateLimiter(resolved.rateLimitWindowSeconds, resolved.rateLimits),
		nonces: new NonceStore(),
		faults: new FaultInjector(resolved),
		deliveries: [],
		requestLog: [],
		stats: { requests: 0, rateLimited: 0 },
		baseUrl: '',
	};
	const builder = new EventBuilder({
		now: resolved.now,
		appId: resolved.app.appId,
		appName: resolved.app.name,
	});

	const xaaBuilder = new XaaEventBuilder({ now: resolved.now, appId: resolved.app.appId });

	const owner = state.user(resolved.app.ownerUserId);
	if (!owner) throw new Error('app owner missing');

	const scopeFor = (webhookIdOrEnv: string): string => {
		const w = state.webhooks.get(webhookIdOrEnv);
		if (w) return state.scopeOf(w);
		return resolved.environments.includes(webhookIdOrEnv)
			? premiumScope(webhookIdOrEnv)
			: webhookIdOrEnv;
	};

	const webhookInfo = (): WebhookInfo[] =>
		[...state.webhooks.values()].map((w) => ({
			id: w.id,
			url: w.url,
			valid: w.valid,
			createdAt: isoV2(w.createdAt),
			flavour: w.flavour,
			...(w.environment !== undefined ? { environment: w.environment } : {}),
			subscriptions: [...state.subscribers(state.scopeOf(w))],
		}));

	const revokeUser = (userId: string): boolean => {
		const u = state.user(userId);
		if (!u) return false;
		u.revoked = true;
		state.dropUserEverywhere(userId);
		state.xaa.dropAuthorisedBy(userId);
		state.oauth2.revokeUser(userId);
		return true;
	};

	const runCrc = async (webhookId: string): Promise<CrcResult | undefined> => {
		const w = state.webhooks.get(webhookId);
		return w ? revalidate(ctx, w) : undefined;
	};

	const deliver = (payload: string | Buffer | object, opts: DeliverOptions = {}) =>
		deliverTo(ctx, deliveryTargets(ctx, opts.webhookId), payload, opts);

	const emit = (kind: EmitKind, opts: EmitOptions = {}) => emitEvents(ctx, builder, kind, opts);
	const emitXaa = (eventType: XaaEventType, opts: XaaEmitOptions = {}) =>
		emitXaaEvents(ctx, xaaBuilder, eventType, opts);

	const issueOAuth2Token = (userId: string, opts: { scopes?: string[]; expiresInSeconds?: number } = {}) => {
		const u = state.user(userId);
		if (!u) throw new Error(`issueOAuth2Token: no user ${userId}`);
		return state.oauth2.issue(u.id, opts.scopes ?? DEFAULT_OAUTH2_SCOPES, opts.expiresInSeconds);
	};

	const stats = (): SimulatorStats => ({
		requests: ctx.stats.requests,
		rateLimited: ctx.stats.rateLimited,
		rateLimitedByIdentity: ctx.limiter.rejectedByIdentity(),
	});

	const stream = createStreamHub(ctx, config.stream);
	const admin = createAdminHandler({
		state: () => ({
			baseUrl: ctx.baseUrl,
			flavours: resolved.flavours,
			environments: resolved.environments,
			app: {
				consumerKey: resolved.app.consumerKey,
				appId: resolved.app.appId,
				name: resolved.app.name,
				ownerUserId: resolved.app.ownerUserId,
			},
			users: state.users().length,
			webhooks: webhookInfo(),
			xaaSubscriptions: state.xaa.size,
			stream: { connections: stream.open, eventsWritten: stream.eventsWritten },
			replayJobs: [...state.replayJobs.values()],
			deliveries: ctx.deliveries.length,
			stats: stats(),
		}),
		users: () => ({
			users: state.users().map((u) => ({
				id: u.id,
				screenName: u.screenName,
				name: u.name,
				token: u.token,
				secret: u.secret,
				revoked: u.revoked,
				forbidden: u.forbidden,
			})),
		}),
		emit,
		emitXaa,
		deliver: (payload, opts) => deliver(payload as object, opts),
		runCrc: async (id) => {
			const r = await runCrc(id);
			return r && { ok: r.ok, ...(r.reason ? { reason: r.reason, detail: r.detail } : {}) };
		},
		revokeUser,
		issueOAuth2Token: (userId, opts) => issueOAuth2Token(userId, opts),
		expireOAuth2Token: (t) => state.oauth2.expire(t),
	});

	const routes = [...oauth2Routes(), ...oauth2UserRoutes(), ...accountRoutes(), ...enterpriseRoutes(), ...premiumRoutes(), ...v2Routes(), ...xaaRoutes()];
	const api = createRequestHandler(ctx, routes, admin);
	const server = http.createServer((req, res) => (stream.handles(req) ? stream.handle(req, res) : api(req, res)));
	// Node clients keep an idle socket for the server's hint minus 1 s: a 1 s hint means no reuse at all.
	server.keepAliveTimeout = 5000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(resolved.port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	ctx.baseUrl = `http://127.0.0.1:${port}`;

	let stopping: Promise<void> | undefined;

	return {
		baseUrl: ctx.baseUrl,
		port,
		app: {
			consumerKey: resolved.app.consumerKey,
			consumerSecret: resolved.app.consumerSecret,
			accessToken: owner.token,
			accessTokenSecret: owner.secret,
			bearerToken: resolved.app.bearerToken,
			ownerUserId: owner.id,
			appId: resolved.app.appId,
			name: resolved.app.name,
			environment: resolved.environments[0] ?? 'dev',
			environments: [...resolved.environments],
			flavours: [...resolved.flavours],
			oauth2ClientId: resolved.app.oauth2ClientId,
			oauth2ClientSecret: resolved.app.oauth2ClientSecret,
		},
		users: () => state.users(),
		addUser: (u) => state.addUser(u),
		revokeUser,
		dropSubscription: (scope, userId) => state.subscribers(scopeFor(scope)).delete(userId),
		subscriptions: (scope) => [...state.subscribers(scopeFor(scope))],
		webhooks: webhookInfo,
		runCrc,
		deliver,
		emit,
		events: builder,
		emitXaa,
		xaaSubscriptions: () => state.xaa.list().map((s) => xaaSubscriptionJson(s) as unknown as XaaSubscriptionInfo),
		xaaEvents: xaaBuilder,
		issueOAuth2Token,
		expireOAuth2Token: (t) => state.oauth2.expire(t),
		onXaaStreamEvent: (listener) => {
			state.xaa.streamListeners.add(listener);
			return () => void state.xaa.streamListeners.delete(listener);
		},
		stream,
		failNext: (n, opts) => ctx.faults.failNext(n, opts),
		hangNext: (n = 1, opts) => ctx.faults.hangNext(n, opts),
		replayJobs: () => [...state.replayJobs.values()],
		resetRateLimits: () => ctx.limiter.reset(),
		requestLog: ctx.requestLog,
		deliveries: ctx.deliveries,
		get stats() {
			return stats();
		},
		whenIdle: () => ctx.life.whenIdle(),
		stop: () => {
			stopping ??= new Promise<void>((resolve) => {
				ctx.life.stop();
				stream.close();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return stopping;
		},
	};
}
