/**
 * What the client uses when the caller injects nothing, in a plain Node process (the migrate CLI,
 * the simulator tooling, tests): Node's HTTP and timers. The n8n package's build replaces this
 * module with nodes/shared/n8n-defaults.ts (scripts/build-node-package.js), so no Node HTTP or
 * global timer reaches the node package; the nodes inject n8n's helpers anyway.
 */
import type { HttpRequester } from '../wire';
import { nodeHttpRequest } from './http-requester';

export const defaultHttpRequest: HttpRequester = nodeHttpRequest;

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
