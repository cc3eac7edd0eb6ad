/**
 * X Account Activity (action node): a shell. Fields and execution live per operation in
 * `actions/<resource>/<operation>.operation.ts`, gathered by `actions/versionDescription.ts` and
 * routed by `actions/router.ts`; the "From list" entries are in `methods/listSearch.ts`.
 */
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { testXCredentials } from '../shared/credentials';
import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';
import { listSearch } from './methods';

export class XAccountActivity implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Account Activity',
		name: 'xAccountActivity',
		icon: { light: 'file:x.svg', dark: 'file:x.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Manage X Activity API (XAA) subscriptions, and Account Activity API (AAA; deprecated, no date announced) webhooks, account subscriptions and replay jobs (enterprise, premium and v2)',
		defaults: { name: 'X Account Activity' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		...versionDescription,
	};

	methods = {
		credentialTest: { xAccountActivityApiTest: testXCredentials },
		listSearch,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
