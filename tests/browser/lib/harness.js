'use strict';
// Test harness for the AIDA widget: a real `aida serve` (temp database, free port), a host
// site on another origin (strict CSP, hostile CSS), and Debian's Chromium via playwright-core.
const { spawn, execFile } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const HERE = path.resolve(__dirname, '..');
const REPO = path.resolve(HERE, '..', '..');
const WEB = path.join(REPO, 'web');
const ARTIFACTS = process.env.AIDA_ARTIFACTS || path.join(REPO, 'artifacts');
const SHOTS = path.join(ARTIFACTS, 'screenshots');
const CHROMIUM = process.env.AIDA_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--lang=ru-RU',
];

function aidaCommand() {
  if (process.env.AIDA_CMD) return JSON.parse(process.env.AIDA_CMD);
  const venv = path.join(REPO, '.venv', 'bin', 'python');
  return fs.existsSync(venv) ? [venv, '-m', 'aida'] : ['python3', '-m', 'aida'];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(url, proc, logFile, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) {
      throw new Error(`aida serve exited with ${proc.exitCode}:\n${fs.readFileSync(logFile, 'utf8')}`);
    }
    try {
      const r = await fetch(url + '/health');
      if (r.ok) return;
    } catch (e) { /* not up yet */ }
    await sleep(150);
  }
  throw new Error(`aida serve did not answer ${url}/health in ${timeoutMs} ms:\n${fs.readFileSync(logFile, 'utf8')}`);
}

// A real `aida serve`, one per test file: its own temp directory and SQLite database.
async function startAida({ corsOrigins = [], env = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aida-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const fullEnv = {
    ...process.env,
    AIDA_DATABASE_URL: `sqlite:///${path.join(dir, 't.db')}`,
    AIDA_RATE_LIMIT: 'off',
    AIDA_CORS_ORIGINS: corsOrigins.join(','),
    PYTHONUNBUFFERED: '1',
    ...env,
  };
  for (const k of ['OPENAI_API_KEY', 'AMO_SUBDOMAIN', 'AMO_BASE_URL', 'AMO_ACCESS_TOKEN', 'AIDA_REDIS_URL']) {
    if (!(k in env)) delete fullEnv[k]; // offline brain, local lead store
  }
  const [cmd, ...args] = aidaCommand();
  const logFile = path.join(dir, 'serve.log');
  const log = fs.openSync(logFile, 'w');
  // cwd is the temp dir: no developer .env or ./data is picked up.
  const proc = spawn(cmd, [...args, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: dir, env: fullEnv, stdio: ['ignore', log, log],
  });
  await waitHealthy(url, proc, logFile);
  const run = (sub) => new Promise((resolve, reject) => {
    execFile(cmd, [...args, ...sub], { cwd: dir, env: fullEnv, timeout: 60000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${sub.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
  return {
    url, port, dir, logFile,
    log: () => fs.readFileSync(logFile, 'utf8'),
    run,
    leads: async () => JSON.parse(await run(['leads', '--json'])),
    history: async (sessionId) => (await fetch(`${url}/chat/history?session_id=${encodeURIComponent(sessionId)}`)).json(),
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        for (let i = 0; i < 50 && proc.exitCode === null; i++) await sleep(100);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      fs.closeSync(log);
      if (!process.env.AIDA_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The provider's site: another origin, a strict CSP with a fresh nonce per response, hostile
// CSS. Pages are fixtures/*.html with {{AIDA}}, {{NONCE}} and {{WIDGET_ATTRS}} filled in.
async function startHost() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const state = { aida: null, connect: [], requests: [], csp: true };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, origin);
    state.requests.push(u.pathname + u.search);
    if (u.pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    const name = u.pathname === '/' ? 'host.html' : u.pathname.slice(1);
    let file = path.join(HERE, 'fixtures', path.basename(name));
    if (/\.html$/.test(file) && !fs.existsSync(file)) file = path.join(HERE, 'fixtures', 'host.html');
    if (!/\.html$/.test(file) || !fs.existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const nonce = crypto.randomBytes(16).toString('base64');
    const aida = state.aida;
    const html = fs.readFileSync(file, 'utf8')
      .replaceAll('{{AIDA}}', aida)
      .replaceAll('{{NONCE}}', nonce);
    const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };
    if (state.csp) {
      headers['Content-Security-Policy'] = [
        "default-src 'none'",
        `script-src 'nonce-${nonce}' ${aida}/widget.js`,
        `style-src 'nonce-${nonce}'`,
        `connect-src ${[aida, ...state.connect].join(' ')}`,
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
      ].join('; ');
    }
    res.writeHead(200, headers);
    res.end(html);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    origin, state,
    url: (p = '/') => origin + p,
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

// Host site + aida serve, wired together (CORS for the host's origin).
async function startStack(opts = {}) {
  const host = await startHost();
  const aida = await startAida({ corsOrigins: [host.origin], ...opts });
  host.state.aida = aida.url;
  return { host, aida, stop: async () => { await host.stop(); await aida.stop(); } };
}

// A proxy in front of aida serve that re-chunks each streamed `delta` into small pieces with a
// pause between them, so the widget really receives a reply bit by bit.
async function startSlowStream(target, { allowOrigin, piece = 6, delayMs = 40 } = {}) {
  const port = await freePort();
  const cors = { 'Access-Control-Allow-Origin': allowOrigin, 'Access-Control-Expose-Headers': 'Retry-After', Vary: 'Origin' };
  const server = http.createServer(async (req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS', 'Access-Control-Allow-Headers': 'content-type' });
      res.end();
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const upstream = await fetch(target + req.url, {
      method: req.method, headers: { 'Content-Type': 'application/json' }, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
    });
    const type = upstream.headers.get('content-type') || '';
    res.writeHead(upstream.status, { ...cors, 'Content-Type': type, 'Cache-Control': 'no-cache' });
    if (!type.includes('event-stream')) { res.end(Buffer.from(await upstream.arrayBuffer())); return; }
    const text = await upstream.text();
    for (const block of text.split('\n\n').filter(Boolean)) {
      const ev = /^event: (.*)$/m.exec(block)[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)[1]);
      if (ev !== 'delta') { res.write(block + '\n\n'); continue; }
      for (let i = 0; i < data.text.length; i += piece) {
        res.write(`event: delta\ndata: ${JSON.stringify({ text: data.text.slice(i, i + piece) })}\n\n`);
        await sleep(delayMs);
      }
    }
    res.end();
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) };
}

// The stand-in amojo (tests/fakes/amojo.py) in its own process: its AMOJO_* environment,
// and `managerSays` to make a manager write (a signed webhook to `webhookUrl`).
async function startAmojo() {
  const port = await freePort();
  const [cmd, ...args] = aidaCommand();
  const proc = spawn(cmd, [...args.slice(0, -2), '-m', 'tests.fakes.amojo', '--port', String(port)], {
    cwd: REPO, env: { ...process.env, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env = await new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (c) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    proc.on('exit', (code) => reject(new Error(`the stand-in amojo exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const fake = {
    env, url, webhookUrl: null,
    async managerSays(sessionId, text, name = 'Ольга') {
      const r = await fetch(url + '/_fake/manager', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ session_id: sessionId, text, name, url: fake.webhookUrl }),
      });
      return r.json();
    },
    chats: async () => (await fetch(url + '/_fake/chats')).json(),
    stop: async () => { proc.kill('SIGTERM'); },
  };
  return fake;
}

async function launch() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

// A page that fails the test on any uncaught error, CSP violation or request to a third host.
async function newPage(browser, { allowedOrigins = [], viewport = { width: 1280, height: 800 }, ...ctxOpts } = {}) {
  const context = await browser.newContext({ viewport, locale: 'ru-RU', ...ctxOpts });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['http:', 'https:'].includes(u.protocol)) return;
    if (allowedOrigins.length && !allowedOrigins.includes(u.origin)) problems.push(`third-party request: ${r.url()}`);
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
    });
  });
  return { page, context, problems };
}

function screenshotPath(name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, `${name}.png`);
}
async function shot(page, name) {
  await page.waitForTimeout(250); // let open/typing animations settle
  await page.screenshot({ path: screenshotPath(name) });
}

// The shipped catalog with managers at work around the clock (a handoff test runs at any hour),
// in a temporary folder of its own: { dir, file }. Its data files stay the shipped ones.
function alwaysOpenCatalog() {
  const fs = require('node:fs');
  const os = require('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aida-catalog-'));
  const data = path.join(REPO, 'aida', 'catalog', 'data');
  let toml = fs.readFileSync(path.join(data, 'catalog.toml'), 'utf8');
  toml = toml.replace(/\[operator_hours\][\s\S]*?\n\]\n/, '[operator_hours]\n' +
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => `${d} = "00:00-24:00"`).join('\n') + '\n');
  for (const f of fs.readdirSync(data)) {
    if (f !== 'catalog.toml') fs.copyFileSync(path.join(data, f), path.join(dir, f));
  }
  const file = path.join(dir, 'catalog.toml');
  fs.writeFileSync(file, toml);
  return { dir, file };
}

module.exports = {
  startAmojo, alwaysOpenCatalog,
  HERE, REPO, WEB, ARTIFACTS, SHOTS, CHROMIUM, CHROMIUM_ARGS,
  startAida, startHost, startStack, startSlowStream, launch, newPage, shot, screenshotPath, sleep, freePort,
};
