'use strict';
// widget.js: under 30 KB minified + gzipped, and nothing in it that a strict CSP, Trusted
// Types or "no third-party requests" would object to. (No browser needed.)
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { WEB, ARTIFACTS } = require('../lib/harness');

const SRC = fs.readFileSync(path.join(WEB, 'widget.js'), 'utf8');
const LIMIT = 30 * 1024;

test('widget.js is under 30 KB minified and gzipped', async () => {
  const { minify } = require('terser');
  const out = await minify(SRC, { compress: { passes: 2 }, mangle: true, format: { comments: false } });
  const gz = zlib.gzipSync(Buffer.from(out.code), { level: 9 }).length;
  const rawGz = zlib.gzipSync(Buffer.from(SRC), { level: 9 }).length;
  const report = `widget.js: ${SRC.length} B source, ${out.code.length} B minified, ${gz} B minified+gzip, ${rawGz} B gzip as served`;
  console.log(report);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'widget-size.txt'), report + '\n');
  assert.ok(gz < LIMIT, `${gz} B ≥ ${LIMIT} B`);
  assert.ok(out.code.length > 5000, 'the minifier produced the widget, not nothing');
});

test('no eval, no HTML parsing of strings, no third-party URLs, no inline style attributes', () => {
  const code = SRC.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const bad of [/\beval\s*\(/, /new\s+Function\s*\(/, /\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/,
    /setTimeout\(\s*['"`]/, /setAttribute\(\s*['"]style['"]/, /\.cssText\s*=/, /DOMParser/, /createContextualFragment/]) {
    assert.doesNotMatch(code, bad);
  }
  const urls = code.match(/https?:\/\/[^\s'"`)]+/g) || [];
  assert.deepEqual(urls.filter((u) => u !== 'http://www.w3.org/2000/svg'), [], 'no request to anyone but apiUrl');
});
