'use strict';
// The full-page assistant (aida_chat.html) and the demo page (aida_widget.html), served by
// aida serve itself: the same behaviours, UTM from the page's own URL, the session kept.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, launch, newPage, shot } = require('../lib/harness');
const { ui, say, choose, suggestionTexts, texts, settled, recordTurns, completeOnboarding } = require('../lib/chat');

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

test('assistant page: full page, heading, welcome, suggestions, UTM from its URL, kept after a reload', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.aida.url] });
  const bodies = [];
  page.on('request', (r) => { if (r.method() === 'POST') bodies.push(JSON.parse(r.postData())); });
  const url = `${stack.aida.url}/aida_chat.html?utm_source=vk&utm_medium=social&utm_campaign=assistant_page`;
  await page.goto(url);
  const u = ui(page);
  await page.getByRole('heading', { level: 1, name: 'Аида — онлайн-помощник SMIT' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Задать вопрос' }).count(), 0, 'no launcher: the page is the chat');
  assert.equal(await page.getByRole('dialog').count(), 0);
  const region = page.getByRole('region', { name: 'Аида — онлайн-помощник SMIT' });
  const rb = await region.boundingBox();
  assert.deepEqual([rb.x, rb.y, rb.width, rb.height].map(Math.round), [0, 0, 1280, 800], 'fills the window');
  assert.equal(await u.assistant.count(), 1, 'the welcome message');
  assert.ok((await suggestionTexts(page)).includes('Тарифы для дома'));
  await shot(page, 'page-1-welcome');

  await choose(page, 'Тарифы для дома');
  assert.equal(bodies[0].utm_source, 'vk');
  assert.equal(bodies[0].utm_campaign, 'assistant_page');
  assert.equal(bodies[0].landing_page, url);
  const sugg = await suggestionTexts(page);
  await choose(page, sugg.find((s) => /Премиум/.test(s)) || sugg[0]);
  await shot(page, 'page-2-conversation');
  const before = await texts(u.root.locator('[role=log] .msg .b'));

  await page.goto(`${stack.aida.url}/aida_chat.html`);
  await page.waitForFunction((n) => document.querySelector('aida-widget').shadowRoot.querySelectorAll('[role=log] .msg').length >= n, before.length);
  assert.deepEqual(await texts(u.root.locator('[role=log] .msg .b')), before, 'the conversation is kept');
  await say(page, 'Без камер');
  assert.equal(bodies[bodies.length - 1].utm_source, 'vk', 'the first touch goes on with messages');
  assert.equal(bodies[bodies.length - 1].session_id, bodies[0].session_id);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('assistant page: an onboarding started by typing; the lead carries the page\'s own UTM', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.aida.url] });
  await recordTurns(page);
  const url = `${stack.aida.url}/aida_chat.html?utm_source=telegram&utm_medium=post&utm_campaign=november&gclid=abc-1`;
  await page.goto(url);
  await ui(page).input.waitFor();
  await completeOnboarding(page, { start: 'type', screenshots: async (state) => { if (state === 'done') await shot(page, 'page-3-done'); } });
  const sid = await page.evaluate(() => localStorage.getItem('aida_session_id'));
  const lead = (await stack.aida.leads()).find((l) => l.session_id === sid);
  assert.ok(lead, 'a lead for this session');
  assert.equal(lead.tariff, 'Пакет Премиум');
  assert.deepEqual(lead.attribution, {
    utm_source: 'telegram', utm_medium: 'post', utm_campaign: 'november', utm_content: null, utm_term: null,
    gclid: 'abc-1', yclid: null, referrer: null, landing_page: url,
  });
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('assistant page on a phone', async () => {
  const { page, problems } = await newPage(browser, {
    allowedOrigins: [stack.aida.url], viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  });
  await page.goto(`${stack.aida.url}/aida_chat.html`);
  const u = ui(page);
  await u.input.waitFor();
  const ib = await u.input.boundingBox();
  assert.ok(ib.y + ib.height <= 667 && ib.y > 500, `the input at the bottom: ${JSON.stringify(ib)}`);
  assert.ok(await u.input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize) >= 16));
  await choose(page, 'Тарифы для дома');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no sideways scrolling');
  await shot(page, 'page-mobile');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('demo page: the seed\'s embedding works, the page\'s own button opens the widget', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.aida.url] });
  await page.goto(`${stack.aida.url}/aida_widget.html`);
  const u = ui(page);
  await u.launcher.waitFor();
  await shot(page, 'demo-1-closed');
  await page.getByRole('button', { name: 'Подобрать тариф в чате' }).click();
  await u.dialog.waitFor({ state: 'visible' });
  await settled(page);
  assert.match(await u.assistant.first().textContent(), /^Здравствуйте! Я Аида/);
  await say(page, 'хочу интернет домой');
  assert.ok((await u.assistant.count()) >= 2);
  await shot(page, 'demo-2-open');
  assert.deepEqual(problems, []);
  await page.context().close();
});
