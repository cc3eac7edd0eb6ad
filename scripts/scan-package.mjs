#!/usr/bin/env node
/**
 * n8n's community-package scanner (@n8n/scan-community-package), offline. The published CLI
 * downloads a package from the registry and its source from GitHub (through the package's
 * provenance); its analysis itself is ESLint with `buildScanConfig()`, run on the attested
 * source (`SOURCE_FILE_PATTERNS`: package.json, nodes/, credentials/) and on the unpacked
 * tarball (`**\/*.js` and package.json). This runs that same config on the same file sets of a
 * local folder, and reports warnings as well as errors (the CLI fails on errors only).
 *
 *   node scripts/scan-package.mjs --source <package root>    the source leg
 *   node scripts/scan-package.mjs --tarball <unpacked dir>   the tarball leg
 *   add --json for one line {files, errors, warnings, messages}
 *
 * Exit 0 when there is no error and no warning, 1 otherwise.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// eslint-plugin-n8n-nodes-base treats every file as a node file when NODE_ENV is "test" (its
// own test mode), which jest sets: scan as n8n does, without it.
delete process.env.NODE_ENV;

const require = createRequire(import.meta.url);
const scannerDir = path.dirname(require.resolve('@n8n/scan-community-package/package.json'));
const scanner = await import(pathToFileURL(path.join(scannerDir, 'scanner', 'scanner.mjs')).href);
// The scanner's own eslint and fast-glob, as it resolves them.
const requireFromScanner = createRequire(path.join(scannerDir, 'scanner', 'scanner.mjs'));
const { ESLint } = requireFromScanner('eslint');
const glob = requireFromScanner('fast-glob');

const args = process.argv.slice(2);
const mode = args.includes('--source') ? 'source' : args.includes('--tarball') ? 'tarball' : undefined;
const dir = args.find((a) => !a.startsWith('--'));
if (!mode || !dir) {
	console.error('usage: node scripts/scan-package.mjs --source|--tarball <dir> [--json]');
	process.exit(2);
}

const patterns = mode === 'source' ? scanner.SOURCE_FILE_PATTERNS : ['**/*.js', 'package.json'];
const cwd = path.resolve(dir);
const eslint = new ESLint({
	cwd,
	allowInlineConfig: false,
	overrideConfigFile: true,
	overrideConfig: await scanner.buildScanConfig(),
});
const files = glob.sync(patterns, { cwd, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
const results = files.length > 0 ? await eslint.lintFiles(files) : [];
const errors = results.reduce((n, r) => n + r.errorCount, 0);
const warnings = results.reduce((n, r) => n + r.warningCount, 0);

if (args.includes('--json')) {
	const messages = results.flatMap((r) =>
		r.messages.map((m) => `${path.relative(cwd, r.filePath)}:${m.line}:${m.column} ${m.severity === 2 ? 'error' : 'warning'} ${m.ruleId ?? ''} ${m.message}`),
	);
	console.log(JSON.stringify({ mode, files: files.length, errors, warnings, messages }));
} else {
	const formatter = await eslint.loadFormatter('stylish');
	const text = formatter.format(results);
	if (text) console.log(text);
	console.log(`scan (${mode}) ${cwd}: ${files.length} file(s), ${errors} error(s), ${warnings} warning(s)`);
}
process.exit(errors + warnings === 0 && files.length > 0 ? 0 : 1);
