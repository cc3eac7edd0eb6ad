/**
 * The trigger's receiving path, for both webhooks n8n routes to it:
 * - GET (`setup`): X's CRC check. Only tokens of the form X sends are answered, so the endpoint
 *   signs nothing else; a signature header, present or not, never decides (X documents none).
 * - POST (`default`): a delivery. The signature header must have the one canonical form
 *   (`sha256=` + 44 base64 characters) before anything is read or decoded; then one HMAC over
 *   the exact bytes received, with the cached consumer secret (re-read only as secret-cache.ts
 *   allows). Unsigned or forged: 401, nothing starts. Signed but not an event: 400 with a reason.
 */
import type { IDataObject, IHookFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { crcResponse, isCanonicalSignature, isPlausibleCrcToken, SIGNATURE_HEADER, verifyWebhookSignature } from '../../client/webhook-signature';
import { CREDENTIAL_NAME } from '../shared/credentials';
import { handleDelivery, resetDeliveryState, settingsFromParameters } from './delivery-handler';
import { currentSecret, forgetSecret, refreshedSecret } from './secret-cache';

type NodeContext = Pick<IWebhookFunctions | IHookFunctions, 'getNode' | 'getWorkflow'>;

/** The secret cache key: the credential's id (shared by every node using it), else this node. */
function secretKey(ctx: NodeContext): string {
	const id = ctx.getNode().credentials?.[CREDENTIAL_NAME]?.id;
	return id ? 'credential:' + id : 'node:' + (ctx.getWorkflow().id ?? '') + ':' + ctx.getNode().id;
}

export async function receiveWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = ctx.getRequestObject();
	const res = ctx.getResponseObject();
	const key = secretKey(ctx);
	const load = async () => String((await ctx.getCredentials(CREDENTIAL_NAME)).consumerSecret ?? '');
	const reject = (status: number, error: string): IWebhookResponseData => {
		res.status(status).json({ error });
		return { noWebhookResponse: true };
	};

	if (ctx.getWebhookName() === 'setup') {
		const token = (req.query as IDataObject | undefined)?.crc_token;
		if (typeof token !== 'string' || token === '') return reject(400, 'crc_token is missing');
		if (!isPlausibleCrcToken(token)) return reject(400, 'crc_token does not have the form X sends');
		res.status(200).json(crcResponse(await currentSecret(key, load), token));
		return { noWebhookResponse: true };
	}

	const raw = (req as unknown as { rawBody?: unknown }).rawBody;
	const signature = req.headers[SIGNATURE_HEADER];
	if (signature === undefined) return reject(401, 'missing signature');
	if (!isCanonicalSignature(signature)) return reject(401, 'signature is not of the form sha256=<44 base64 characters>');
	if (!Buffer.isBuffer(raw)) return reject(401, 'signature does not match');
	const secret = await currentSecret(key, load);
	if (!verifyWebhookSignature(secret, raw, signature)) {
		const fresh = await refreshedSecret(key, secret, load);
		if (fresh === undefined || !verifyWebhookSignature(fresh, raw, signature)) return reject(401, 'signature does not match');
	}

	const outcome = handleDelivery(raw, settingsFromParameters(ctx), ctx.getWorkflow().id ?? '', ctx.getNode().id);
	if (!outcome.ok) return reject(400, outcome.reason);
	if (outcome.outputs.every((o) => o.length === 0)) return { webhookResponse: { accepted: 0 } };
	return {
		workflowData: outcome.outputs.map((items) => items.map((json): INodeExecutionData => ({ json: json as unknown as IDataObject }))),
	};
}

/** Frees what the receiving path keeps for this node: its dedupe memory and its cached secret. */
export function releaseNodeState(ctx: NodeContext): void {
	resetDeliveryState(ctx.getWorkflow().id ?? '', ctx.getNode().id);
	forgetSecret(secretKey(ctx));
}
