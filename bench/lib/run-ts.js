#!/usr/bin/env node
// Runs a TypeScript bench in place: `node bench/lib/run-ts.js bench/trigger.ts [args]`.
// Benches are not part of the build; this hook transpiles each .ts file on require with the
// repo's TypeScript (no type check here: `npm run typecheck` covers bench/), so the files keep
// their real paths (the e2e harness finds the repo root and its scripts relative to itself).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const compilerOptions = {
	module: ts.ModuleKind.CommonJS,
	target: ts.ScriptTarget.ES2021,
	esModuleInterop: true,
	resolveJsonModule: true,
	inlineSourceMap: true,
};

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
	module._compile(outputText, filename);
};

const [script, ...rest] = process.argv.slice(2);
if (!script) {
	console.error('usage: node bench/lib/run-ts.js <file.ts> [args]');
	process.exit(2);
}
const entry = path.resolve(script);
process.argv = [process.argv[0], entry, ...rest];
require(entry);
