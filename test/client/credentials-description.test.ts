/** Both credentials: every field explains itself; the OAuth 2.0 one is X's PKCE flow with the XAA scopes. */
import { XAccountActivityApi } from '../../credentials/XAccountActivityApi.credentials';
import { XActivityOAuth2Api } from '../../credentials/XActivityOAuth2Api.credentials';
import { XAA_EVENT_CATALOGUE } from '../../client/xaa-event-types';

describe('credentials', () => {
	it.each([new XAccountActivityApi(), new XActivityOAuth2Api()])('$name: every field has a description and a title-case label', (c) => {
		for (const p of c.properties) {
			if (p.type === 'notice') continue;
			expect({ field: p.name, description: typeof p.description === 'string' && p.description.length > 10 }).toEqual({ field: p.name, description: true });
			// n8n's convention: Title Case labels, product words as X spells them
			for (const word of p.displayName.split(/\s+/)) {
				if (/^[a-z]/.test(word)) expect(['of', 'and', 'or', 'for', 'the', 'to']).toContain(word);
			}
		}
	});

	it('extends n8n oAuth2Api with PKCE at X, and its default scopes cover every XAA scope plus refresh', () => {
		const c = new XActivityOAuth2Api();
		expect(c.name).toBe('xActivityOAuth2Api');
		expect(c.extends).toEqual(['oAuth2Api']);
		const byName = Object.fromEntries(c.properties.map((p) => [p.name, p.default]));
		expect(byName.grantType).toBe('pkce');
		expect(String(byName.authUrl)).toContain('https://x.com/i/oauth2/authorize');
		expect(String(byName.accessTokenUrl)).toMatch(/\/2\/oauth2\/token$/);
		const scopes = String(byName.scope).split(' ');
		expect(scopes).toEqual(['tweet.read', 'users.read', 'like.read', 'dm.read', 'mute.read', 'block.read', 'broadcast.read', 'offline.access']);
		for (const info of Object.values(XAA_EVENT_CATALOGUE)) if (info.oauth2Scope) expect(scopes).toContain(info.oauth2Scope);
	});
});
