'use strict';
// HTML and script in what the customer types, and in what the server sends back, appear as
// text and never run: live, and again when the conversation is restored from history.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, launch, newPage, shot } = require('../lib/harness');
const { ui, say, waitReply, cspViolations } = require('../lib/chat');

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>жирный</b> & &amp; "кавычки"';

async function injected(page) {
  return page.evaluate(() => {
    const r = document.querySelector('aida-widget').shadowRoot;
    return {
      pwned: window.__pwned ?? null,
      elements: r.querySelectorAll('.msg img, .msg script, .msg b, .sugg img, .sugg b, .sugg script').length,
    };
  });
}

test('a typed HTML/script payload is shown as text and does not run, live and after a reload', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.click();
  await say(page, PAYLOAD);
  assert.equal(await u.user.last().textContent(), PAYLOAD, 'exactly the characters typed');
  assert.deepEqual(await injected(page), { pwned: null, elements: 0 });
  await page.reload();
  await u.dialog.waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelector('aida-widget').shadowRoot.querySelectorAll('.msg.u').length > 0);
  assert.equal(await u.user.last().textContent(), PAYLOAD, 'restored from history, still text');
  assert.deepEqual(await injected(page), { pwned: null, elements: 0 });
  assert.deepEqual(await cspViolations(page), [], 'nothing even tried to run');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('HTML in the server\'s reply and suggestions is shown as text; a suggestion sends its literal text', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  const reply = 'Ответ <img src=x onerror="window.__pwned=3"> и <a href="javascript:window.__pwned=4">ссылка</a>';
  const suggestion = '<b onclick="window.__pwned=5">Кнопка</b>';
  const sent = [];
  const cors = { 'Access-Control-Allow-Origin': stack.host.origin };
  // Stands for a compromised or confused server: only this test's replies are replaced.
  await page.route(`${stack.aida.url}/chat/stream`, async (route) => {
    sent.push(JSON.parse(route.request().postData()).message);
    const ev = (name, data) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    await route.fulfill({
      status: 200, headers: { ...cors, 'Content-Type': 'text/event-stream' },
      body: ev('delta', { text: reply.slice(0, 20) }) + ev('delta', { text: reply.slice(20) }) +
        ev('suggestions', { suggestions: [suggestion] }) + ev('done', { step: 'tariff' }),
    });
  });
  await page.route(`${stack.aida.url}/chat`, async (route) => {
    sent.push(JSON.parse(route.request().postData()).message);
    await route.fulfill({
      status: 200, headers: cors, contentType: 'application/json',
      body: JSON.stringify({ reply, suggestions: [suggestion], step: 'tariff', session_id: 'x' }),
    });
  });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.click();
  await say(page, 'Привет');
  assert.equal(await u.assistant.last().textContent(), reply);
  assert.equal((await u.suggestions.allTextContents()).join('|'), suggestion);
  assert.deepEqual(await injected(page), { pwned: null, elements: 0 });
  await shot(page, 'desktop-xss-as-text');
  const n = await u.assistant.count();
  await u.suggestions.first().click();
  await waitReply(page, n, u);
  assert.equal(sent[sent.length - 1], suggestion, 'the suggestion\'s text, sent as is');
  assert.equal(await u.user.last().textContent(), suggestion);
  assert.deepEqual(await injected(page), { pwned: null, elements: 0 });
  assert.deepEqual(problems, []);
  await page.context().close();
});
