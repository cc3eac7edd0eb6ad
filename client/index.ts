export * from './types';
export { XClient, isAlreadySubscribed, unwrapData } from './x-client';
export type { XClientOptions, ReplayRequest, UserRef, WebhookRef } from './x-client';
export { XApiError, hintFor } from './errors';
export { RateGate, parseRateLimit } from './rate-limits';
export { normaliseBaseUrl, DEFAULT_BASE_URL } from './base-url';
export { checkReplayWindow, formatReplayDate, parseReplayDate } from './replay-window';
export { crcResponse, signWebhookPayload, verifyWebhookSignature, isCanonicalSignature, isPlausibleCrcToken, SIGNATURE_HEADER } from './webhook-signature';
export { scrubText, scrubValue, truncate, REDACTED } from './scrub';
export { parseJsonLossless } from './lossless-json';
export {
	XaaClient,
	XaaValidationError,
	XAA_LIMITS,
	XAA_SUBSCRIPTIONS_PATH,
	XAA_SUBSCRIPTION_PATH,
	validateXaaCreate,
} from './xaa-client';
export type { XaaCreateRequest, XaaCreateResult, XaaUpdateRequest, XaaTransport } from './xaa-client';
export * from './xaa-event-types';
export * from './xaa-normalise';
