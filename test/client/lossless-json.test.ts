import { parseJsonLossless } from '../../client/lossless-json';

describe('parseJsonLossless', () => {
	it('keeps every digit of integers above 2^53 as strings', () => {
		const v = parseJsonLossless('{"id":1460000000000000001,"n":[18446744073709551615,-9007199254740993]}') as {
			id: unknown;
			n: unknown[];
		};
		expect(v.id).toBe('1460000000000000001');
		expect(v.n).toEqual(['18446744073709551615', '-9007199254740993']);
	});

	it('leaves safe numbers, decimals and strings alone', () => {
		expect(parseJsonLossless('{"a":9007199254740991,"b":1.5e3,"c":"1460000000000000001","d":1234567890123456.5}')).toEqual({
			a: 9007199254740991,
			b: 1500,
			c: '1460000000000000001',
			d: 1234567890123456.5,
		});
	});

	it('does not touch digit runs inside strings, including escaped quotes', () => {
		expect(parseJsonLossless('{"t":"say \\"1460000000000000001\\" now","x":1}')).toEqual({
			t: 'say "1460000000000000001" now',
			x: 1,
		});
	});

	it('reports syntax errors like JSON.parse', () => {
		expect(() => parseJsonLossless('{"id":1460000000000000001')).toThrow(SyntaxError);
		expect(() => parseJsonLossless('{"id":')).toThrow(SyntaxError);
	});
});
