/** Shared set-up of the action-node tests: credentials for a simulator, users as input items. */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { ApiFlavour } from '../../client/types';
import type { Simulator } from '../../simulator';

export interface CredentialOptions {
	/** Leave the bearer token out, so the client fetches one with POST /oauth2/token. */
	fetchBearer?: boolean;
}

export function credentialsFor(
	sim: Simulator,
	flavour: ApiFlavour,
	opts: CredentialOptions = {},
): ICredentialDataDecryptedObject {
	return {
		apiVersion: flavour,
		environment: flavour === 'premium' ? sim.app.environment : '',
		consumerKey: sim.app.consumerKey,
		consumerSecret: sim.app.consumerSecret,
		accessToken: sim.app.accessToken,
		accessTokenSecret: sim.app.accessTokenSecret,
		bearerToken: opts.fetchBearer ? '' : sim.app.bearerToken,
		baseUrl: sim.baseUrl,
	};
}

/** The simulator's users other than the app owner, as items a token store would produce. */
export function userItems(sim: Simulator): IDataObject[] {
	return sim
		.users()
		.filter((u) => u.id !== sim.app.ownerUserId)
		.map((u) => ({
			user_id: u.id,
			screen_name: u.screenName,
			access_token: u.token,
			access_token_secret: u.secret,
		}));
}

/** Every secret of the simulator's app and users: none may appear in any output or error. */
export function allSecrets(sim: Simulator): string[] {
	return [
		sim.app.consumerSecret,
		sim.app.accessTokenSecret,
		sim.app.bearerToken,
		...sim.users().map((u) => u.secret),
	];
}

/** Parameters reading the user's token from the item, as the expressions {{ $json.access_token }} do. */
export const userTokenParams = {
	actAs: 'userToken',
	accessToken: (json: IDataObject) => json.access_token,
	accessTokenSecret: (json: IDataObject) => json.access_token_secret,
};

export const MINUTE = 60_000;

/** A date as n8n's date picker sends it: local-less ISO without a zone (read as UTC). */
export function pickerDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19);
}
