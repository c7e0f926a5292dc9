'use strict';
// Network trouble: a lost answer shows the message as not delivered with a retry; the retry
// carries the same message_id and the server does the turn once; 429 waits Retry-After;
// going offline and back; messages typed meanwhile go out in order.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, launch, newPage, shot } = require('../lib/harness');
const { ui, say, waitReply } = require('../lib/chat');

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const CHAT = /\/chat(\/stream)?$/;
const isChat = (url) => CHAT.test(new URL(url).pathname);

async function opened(page) {
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.click();
  await u.dialog.waitFor({ state: 'visible' });
  return u;
}
const sessionOf = (page) => page.evaluate(() => localStorage.getItem('aida_session_id'));
async function userTurnsOnServer(page) {
  const h = await stack.aida.history(await sessionOf(page));
  return h.messages.filter((m) => m.role === 'user').map((m) => m.text);
}

test('a lost answer: "Не доставлено" + retry; the resend has the same message_id; done once', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  const u = await opened(page);
  await say(page, 'Здравствуйте');
  const attempts = [];
  let breakIt = true;
  await page.route((url) => isChat(url), async (route) => {
    const body = JSON.parse(route.request().postData());
    attempts.push({ path: new URL(route.request().url()).pathname, message_id: body.message_id, message: body.message });
    if (!breakIt) return route.continue();
    // The server gets the message and does the turn; its answer is lost on the way back.
    await route.fetch().then((r) => r.body()).catch(() => null);
    await route.abort('connectionreset');
  });
  const text = 'хочу интернет домой';
  const before = await u.assistant.count();
  await u.input.fill(text);
  await u.input.press('Enter');
  const retry = page.getByRole('button', { name: 'Повторить' });
  await retry.waitFor({ state: 'visible' });
  assert.match(await u.user.last().locator('xpath=..').textContent(), /Не доставлено/);
  assert.equal(await u.assistant.count(), before, 'no answer shown');
  await shot(page, 'desktop-not-delivered');
  assert.ok(attempts.length >= 1);
  assert.deepEqual(await userTurnsOnServer(page), ['Здравствуйте', text], 'the server did get it');

  breakIt = false;
  await retry.click();
  await waitReply(page, before, u);
  assert.equal(await retry.count(), 0, 'the retry button is gone');
  assert.doesNotMatch(await u.user.last().locator('xpath=..').textContent(), /Не доставлено/);
  const ids = new Set(attempts.map((a) => a.message_id));
  assert.equal(ids.size, 1, `every attempt carried one message_id: ${JSON.stringify(attempts)}`);
  assert.ok(attempts.length >= 2);
  assert.deepEqual(await userTurnsOnServer(page), ['Здравствуйте', text], 'done once, not twice');
  const h = await stack.aida.history(await sessionOf(page));
  const shown = await u.assistant.last().textContent();
  assert.equal(shown, h.messages[h.messages.length - 1].text, 'the recorded answer is shown');
  assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_RESET|Failed to load resource|CORS/.test(p)), []);
  await page.context().close();
});

test('429: waits Retry-After, then sends again with the same message_id', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  const u = await opened(page);
  const attempts = [];
  let limited = 1;
  await page.route((url) => isChat(url), async (route) => {
    attempts.push({ at: Date.now(), id: JSON.parse(route.request().postData()).message_id });
    if (limited-- > 0) {
      return route.fulfill({
        status: 429,
        headers: { 'Access-Control-Allow-Origin': stack.host.origin, 'Access-Control-Expose-Headers': 'Retry-After', 'Retry-After': '2' },
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'rate_limited', message: 'Слишком много запросов' } }),
      });
    }
    return route.continue();
  });
  const before = await u.assistant.count();
  await u.input.fill('Здравствуйте');
  await u.input.press('Enter');
  await page.getByText(/Отправим ещё раз через \d с/).waitFor();
  await shot(page, 'desktop-429-wait');
  await waitReply(page, before, u, 15000);
  assert.ok(attempts.length >= 2);
  assert.ok(attempts[1].at - attempts[0].at >= 1900, `waited ${attempts[1].at - attempts[0].at} ms`);
  assert.equal(attempts[0].id, attempts[1].id, 'same message_id');
  assert.deepEqual(await userTurnsOnServer(page), ['Здравствуйте']);
  assert.deepEqual(problems.filter((p) => !/status of 429/.test(p)), []);
  await page.context().close();
});

test('offline: not delivered; back online it is sent by itself', async () => {
  const { page, context, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  const u = await opened(page);
  await context.setOffline(true);
  const before = await u.assistant.count();
  await u.input.fill('Здравствуйте');
  await u.input.press('Enter');
  await page.getByText(/Не доставлено: нет связи с сервером/).waitFor();
  await page.getByRole('button', { name: 'Повторить' }).waitFor();
  await context.setOffline(false);
  await waitReply(page, before, u);
  assert.equal(await page.getByRole('button', { name: 'Повторить' }).count(), 0);
  assert.deepEqual(await userTurnsOnServer(page), ['Здравствуйте']);
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|Failed to fetch/.test(p)), []);
  await context.close();
});

test('messages typed while one is on its way are sent after it, in order', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  const u = await opened(page);
  let slow = true;
  await page.route((url) => isChat(url), async (route) => {
    if (slow) { slow = false; await new Promise((r) => setTimeout(r, 1500)); }
    return route.continue();
  });
  const before = await u.assistant.count();
  await u.input.fill('Здравствуйте');
  await u.input.press('Enter');
  await u.input.fill('хочу интернет домой');
  await u.input.press('Enter');
  assert.equal(await u.user.count(), 2, 'both shown at once');
  await page.waitForFunction((n) => document.querySelector('aida-widget').shadowRoot.querySelectorAll('.msg.a').length >= n + 2, before, { timeout: 20000 });
  assert.deepEqual(await userTurnsOnServer(page), ['Здравствуйте', 'хочу интернет домой']);
  assert.deepEqual(problems, []);
  await page.context().close();
});
