/** What n8n shows of the X Account Activity action node besides its identity. */
import type { INodeTypeDescription } from 'n8n-workflow';
import { CREDENTIAL_NAME } from '../../shared/credentials';
import * as activitySubscription from './activitySubscription/ActivitySubscription.resource';
import { USER_CONTEXT_TYPE } from './activitySubscription/oauth2';
import * as replay from './replay/Replay.resource';
import * as subscription from './subscription/Subscription.resource';
import * as webhook from './webhook/Webhook.resource';

/**
 * The node's credentials and fields; its identity (name, icon, subtitle…) is on the node class,
 * where n8n's community lint looks for it.
 */
export const versionDescription: Pick<INodeTypeDescription, 'credentials' | 'properties'> = {
	credentials: [
		{ name: CREDENTIAL_NAME, required: true, testedBy: 'xAccountActivityApiTest' },
		{
			name: USER_CONTEXT_TYPE,
			required: true,
			displayOptions: {
				show: {
					resource: ['activitySubscription'],
					operation: ['create'],
					userAuthentication: ['oAuth2'],
				},
			},
		},
	],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Account Subscription (AAA)',
					value: 'subscription',
					description:
						'Account Activity API (deprecated, no date announced): which X accounts a webhook receives all activity for. Subscribe, check, list, count, unsubscribe.',
				},
				{
					name: 'Activity Subscription (XAA)',
					value: 'activitySubscription',
					description:
						'X Activity API (v2 credential only): one subscription per event type and user (or keyword), with filters. Create, list, update, delete.',
				},
				{
					name: 'Replay',
					value: 'replay',
					description:
						'Re-deliver past activity of a webhook (enterprise: last 5 days; v2: last 24 hours, POST /2/webhooks/replay)',
				},
				{
					name: 'Webhook',
					value: 'webhook',
					description:
						'The URLs X delivers activity to (AAA, and XAA on v2): register, list, re-validate (CRC), delete',
				},
			],
			default: 'webhook',
		},
		...webhook.description,
		...subscription.description,
		...replay.description,
		...activitySubscription.description,
	],
};
