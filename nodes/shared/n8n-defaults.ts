/**
 * In the n8n package this module stands in for client/node/defaults.ts (the build aliases it;
 * scripts/build-node-package.js): waiting is n8n-workflow's `sleep`, and there is no default wire,
 * because HTTP needs the calling node's helpers. Every client a node makes gets
 * n8nHttpRequester(this) (nodes/shared/credentials.ts), so the error below means a code path
 * built a client without it.
 */
import { sleep } from 'n8n-workflow';
import type { HttpRequester } from '../../client/http-transport';

export const defaultHttpRequest: HttpRequester = () =>
	Promise.reject(new Error('Internal error: an X client was created without n8n\'s request helper (pass n8nHttpRequester(this))'));

export const defaultSleep = (ms: number): Promise<void> => sleep(ms);
