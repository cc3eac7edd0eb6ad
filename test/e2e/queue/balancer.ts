// A small HTTP load balancer on 127.0.0.1 standing in for nginx/Traefik/Caddy in front of n8n's
// webhook processors. Two policies, switchable while it runs:
//   - round-robin: each request to the next processor (the "spread" setup);
//   - sticky: a hash of the request path (without the query) picks the processor, so every
//     delivery and CRC check of one webhook reaches the same processor (the "sticky" setup).
import { createHash } from 'node:crypto';
import * as http from 'node:http';

export type BalancerPolicy = 'round-robin' | 'sticky';

export interface Balancer {
	readonly url: string;
	readonly port: number;
	policy: BalancerPolicy;
	/** Requests forwarded to each target (index as given). */
	readonly forwarded: number[];
	/** Replaces the targets (base URLs such as http://127.0.0.1:5680). */
	setTargets(targets: string[]): void;
	stop(): Promise<void>;
}

/** The processor a path sticks to: first 4 bytes of its SHA-256, modulo the number of targets. */
export function stickyIndex(pathname: string, targets: number): number {
	return createHash('sha256').update(pathname).digest().readUInt32BE(0) % targets;
}

export async function startBalancer(targets: string[], policy: BalancerPolicy): Promise<Balancer> {
	let current = targets.map((t) => new URL(t));
	let next = 0;
	const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	const balancer = {
		url: '',
		port: 0,
		policy,
		forwarded: current.map(() => 0),
		setTargets(list: string[]) {
			current = list.map((t) => new URL(t));
			balancer.forwarded.splice(0, balancer.forwarded.length, ...current.map(() => 0));
			next = 0;
		},
		stop: async () => {
			agent.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	const server = http.createServer((req, res) => {
		const pathname = (req.url ?? '/').split('?')[0];
		const index =
			balancer.policy === 'sticky' ? stickyIndex(pathname, current.length) : next++ % current.length;
		const target = current[index];
		balancer.forwarded[index]++;
		const upstream = http.request(
			{
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: target.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
				agent,
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', (error) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`balancer: ${target.host}: ${error.message}`);
		});
		req.pipe(upstream);
	});
	server.keepAliveTimeout = 5000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	balancer.port = typeof address === 'object' && address ? address.port : 0;
	balancer.url = `http://127.0.0.1:${balancer.port}`;
	return balancer;
}
