// Decoder for the "flatted" format n8n stores execution data in (execution_data.data): a JSON
// array whose first entry is the root; inside objects and arrays every string is the index (as a
// string) of the entry holding the real value, and numbers, booleans and null stay inline. Shared
// and circular references keep their identity.
export function parseFlatted(text: string): unknown {
	const input = JSON.parse(text) as unknown;
	if (!Array.isArray(input)) throw new Error('parseFlatted: not a flatted array');
	const table: unknown[] = input;
	const done = new Map<number, unknown>();
	const resolve = (index: number): unknown => {
		if (done.has(index)) return done.get(index);
		if (!Number.isInteger(index) || index < 0 || index >= table.length)
			throw new Error(`parseFlatted: bad reference ${index}`);
		const raw = table[index];
		if (raw === null || typeof raw !== 'object') {
			done.set(index, raw);
			return raw;
		}
		const out: Record<string, unknown> | unknown[] = Array.isArray(raw) ? [] : {};
		done.set(index, out);
		for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
			(out as Record<string, unknown>)[key] =
				typeof value === 'string' ? resolve(Number(value)) : value;
		}
		return out;
	};
	return table.length === 0 ? undefined : resolve(0);
}
