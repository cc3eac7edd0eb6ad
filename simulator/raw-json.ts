/**
 * JSON.stringify that writes bigint values as bare integer literals with every digit, the way
 * X writes 64-bit `id` numbers (a naive JSON.parse on the receiving side then loses precision,
 * which is exactly what receivers must be tested against).
 */

export function toRawJson(value: unknown): string {
	const marks: string[] = [];
	const text = JSON.stringify(value, (_key, v: unknown) => {
		if (typeof v === 'bigint') {
			marks.push(v.toString());
			return `\u0000big${marks.length - 1}\u0000`;
		}
		return v;
	});
	if (text === undefined) throw new TypeError('value is not serialisable as JSON');
	if (!marks.length) return text;
	return text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]);
}
