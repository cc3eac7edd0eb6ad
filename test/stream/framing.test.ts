/** NDJSON framing of the activity stream: lines split anywhere, keep-alives, errors lines, big ids. */
import { mulberry32 } from '../../simulator/prng';
import { LineSplitter, parseLine, type StreamFrame } from '../../nodes/XActivityStreamTrigger/stream-framing';

const env = (uuid: string, text = 'hé ✓ 🚀') =>
	`{"data":{"event_uuid":"${uuid}","event_type":"post.create","filter":{"user_id":"1111111111111111111"},"payload":{"id":1603419180975409153,"text":"${text}"}}}`;

const kinds = (frames: StreamFrame[]) => frames.map((f) => f.kind);

describe('stream framing', () => {
	it('turns \\r\\n blank lines into keep-alives and JSON lines into envelopes', () => {
		const s = new LineSplitter();
		const frames = s.push(`\r\n\r\n${env('1')}\r\n\n${env('2')}\n`);
		expect(kinds(frames)).toEqual(['keepalive', 'keepalive', 'data', 'keepalive', 'data']);
		expect(s.buffered).toBe(0);
	});

	it('keeps 64-bit ids exact (lossless parse)', () => {
		const [f] = new LineSplitter().push(env('-42') + '\r\n');
		expect(f.kind).toBe('data');
		const payload = (f as Extract<StreamFrame, { kind: 'data' }>).body.data.payload as Record<string, unknown>;
		expect(String(payload.id)).toBe('1603419180975409153');
	});

	it('yields the same frames however the bytes are chunked (even inside a multi-byte character)', () => {
		const text = `\r\n${env('1')}\r\n${env('2')}\r\n\r\n{"errors":[{"title":"operational-disconnect"}]}\r\n${env('3')}\r\n`;
		const bytes = Buffer.from(text, 'utf8');
		const whole = new LineSplitter().push(bytes);
		const rng = mulberry32(7);
		for (let run = 0; run < 300; run++) {
			const n = Math.floor(rng() * 40);
			const cuts = [...new Set(Array.from({ length: n }, () => 1 + Math.floor(rng() * (bytes.length - 1))))];
			const s = new LineSplitter();
			const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
			const frames: StreamFrame[] = [];
			for (let i = 0; i < points.length - 1; i++) frames.push(...s.push(bytes.subarray(points[i], points[i + 1])));
			expect(frames).toEqual(whole);
			expect(s.buffered).toBe(0);
		}
		// every single cut point, too
		for (let cut = 1; cut < bytes.length; cut++) {
			const s = new LineSplitter();
			expect([...s.push(bytes.subarray(0, cut)), ...s.push(bytes.subarray(cut))]).toEqual(whole);
		}
		expect(kinds(whole)).toEqual(['keepalive', 'data', 'data', 'keepalive', 'errors', 'data']);
	});

	it('holds a partial line until its newline, and reset() drops it after a cut', () => {
		const s = new LineSplitter();
		const line = env('9');
		expect(s.push(line.slice(0, 20))).toEqual([]);
		expect(s.buffered).toBe(20);
		s.reset();
		expect(s.buffered).toBe(0);
		// the next connection starts clean: the half line does not poison the next one
		expect(kinds(s.push(env('10') + '\r\n'))).toEqual(['data']);
	});

	it('reports lines that are not envelopes instead of throwing', () => {
		expect(parseLine('{"data":[1]}').kind).toBe('invalid');
		expect(parseLine('nope').kind).toBe('invalid');
		expect(parseLine('[1,2]').kind).toBe('invalid');
		expect(parseLine('{"errors":[{"title":"x"}]}')).toEqual({ kind: 'errors', line: '{"errors":[{"title":"x"}]}', errors: [{ title: 'x' }] });
	});
});
