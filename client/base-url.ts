/** Validation of the API base URL: https for X's own hosts, plain http only for others. */

export const DEFAULT_BASE_URL = 'https://api.x.com';

const X_HOSTS = /(^|\.)(x\.com|twitter\.com)$/i;

export function normaliseBaseUrl(raw: string | undefined): string {
	const text = (raw ?? '').trim() || DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new Error(`Base URL "${text}" is not a valid URL (expected e.g. ${DEFAULT_BASE_URL})`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new Error(`Base URL "${text}" must start with https:// (or http:// for a local simulator or proxy)`);
	}
	if (url.protocol === 'http:' && X_HOSTS.test(url.hostname)) {
		throw new Error(`Base URL "${text}" must use https for X's own host ${url.hostname}`);
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new Error(`Base URL "${text}" must not contain credentials, a query or a fragment`);
	}
	return url.origin + url.pathname.replace(/\/+$/, '');
}
