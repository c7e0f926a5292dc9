'use strict';
// Two `aida serve` instances on one PostgreSQL and one Redis: the customer's widget talks to
// instance B while amojo's webhooks land on instance A; the manager's messages still reach
// the widget. Reports the delay from the webhook to the widget. Skipped (saying why) when
// PostgreSQL or Redis is not reachable, unless AIDA_REQUIRE_BROWSER=1.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startAida, startHost, startAmojo, alwaysOpenCatalog, launch, newPage, REPO, ARTIFACTS } = require('../lib/harness');
const { ui, say, choose } = require('../lib/chat');

const PG = process.env.AIDA_TEST_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS = process.env.AIDA_TEST_REDIS_URL || 'redis://127.0.0.1:6379/0';
const SCHEMA = 'aida_e2e_' + crypto.randomBytes(6).toString('hex');
const VENV = path.join(REPO, '.venv', 'bin', 'python');
const PY = process.env.AIDA_CMD ? JSON.parse(process.env.AIDA_CMD)[0] : (fs.existsSync(VENV) ? VENV : 'python3');

// Creates (or drops) this test's schema; returns why not when the servers are unreachable.
function databases(action) {
  const code = `
import asyncio, asyncpg, redis
async def main():
    conn = await asyncpg.connect(${JSON.stringify(PG)}, timeout=3)
    await conn.execute('${action === 'create' ? 'CREATE SCHEMA' : 'DROP SCHEMA IF EXISTS'} "${SCHEMA}"${action === 'create' ? '' : ' CASCADE'}')
    await conn.close()
    client = redis.asyncio.from_url(${JSON.stringify(REDIS)}, socket_connect_timeout=3)
    await client.ping()
    await client.aclose()
asyncio.run(main())`;
  try {
    execFileSync(PY, ['-c', code], { cwd: REPO, stdio: 'pipe', timeout: 20000 });
    return null;
  } catch (e) {
    return String(e.stderr || e.message).trim().split('\n').pop();
  }
}

let a, b, host, amojo, browser, skip, catalogDir;
before(async () => {
  skip = databases('create');
  if (skip) {
    if (process.env.AIDA_REQUIRE_BROWSER === '1') throw new Error(`PostgreSQL/Redis needed: ${skip}`);
    return;
  }
  const catalog = alwaysOpenCatalog();
  catalogDir = catalog.dir;

  amojo = await startAmojo();
  host = await startHost();
  const sep = PG.includes('?') ? '&' : '?';
  const env = {
    ...amojo.env,
    AIDA_CATALOG: catalog.file,
    AIDA_DATABASE_URL: `${PG}${sep}search_path=${SCHEMA}`,
    AIDA_REDIS_URL: REDIS,
    AIDA_REDIS_PREFIX: `${SCHEMA}:`,
  };
  a = await startAida({ corsOrigins: [host.origin], env });
  b = await startAida({ corsOrigins: [host.origin], env });
  host.state.aida = b.url; // the widget talks to B
  const out = await a.run(['crm', 'connect-chat', '--amojo-id', '52e591f7-c98f-4255-8495-827210138c81']);
  amojo.webhookUrl = `${a.url}/amojo/webhook/${/scope_id: (\S+)/.exec(out)[1]}`; // amojo calls A
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await a?.stop();
  await b?.stop();
  await host?.stop();
  await amojo?.stop();
  if (!skip) databases('drop');
  if (catalogDir) fs.rmSync(catalogDir, { recursive: true, force: true });
});

test('a webhook on one instance reaches the widget served by the other', async (t) => {
  if (skip) { t.skip(`PostgreSQL or Redis not reachable: ${skip}`); return; }
  const { page, problems } = await newPage(browser, { allowedOrigins: [host.origin, b.url] });
  await page.goto(host.url('/internet.html'));
  await ui(page).launcher.click();
  await choose(page, 'Тарифы для дома');
  const sid = await page.evaluate(() => localStorage.getItem('aida_session_id'));
  assert.match(await say(page, 'Позовите оператора'), /менеджер/i);
  const delays = [];
  for (let i = 0; i < 6; i++) {
    const [delivery] = await amojo.managerSays(sid, `Ответ ${i}`, 'Ольга');
    assert.equal(delivery.status, 200);
    await page.waitForFunction((n) => document.querySelector('aida-widget').shadowRoot
      .querySelectorAll('[role=log] .msg.o').length > n, i, { timeout: 5000, polling: 10 });
    delays.push(Date.now() - delivery.sent_at * 1000);
  }
  delays.sort((x, y) => x - y);
  const report = `webhook on instance A → widget on instance B (PostgreSQL + Redis): median ${Math.round(delays[3])} ms, max ${Math.round(delays[5])} ms over 6 messages`;
  console.log(report);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'handoff-instances-delay.txt'), report + '\n');
  assert.ok(delays[5] < 2000, report);
  assert.deepEqual(problems, []);
});
