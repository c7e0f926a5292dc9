'use strict';
// The conversation survives a reload and a move to another page of the site (restored from
// GET /chat/history), the panel keeps its open/closed state, and attribution is captured on
// every page load: the first touch kept in localStorage, the current one in sessionStorage,
// and sent with every message.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, launch, newPage, shot } = require('../lib/harness');
const { ui, say, choose, suggestionTexts, texts } = require('../lib/chat');

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const TOUCH_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'gclid', 'yclid', 'referrer', 'landing_page'];
function recordBodies(page) {
  const bodies = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/chat(\/stream)?$/.test(new URL(r.url()).pathname)) bodies.push(JSON.parse(r.postData()));
  });
  return bodies;
}
const touchOf = (b) => Object.fromEntries(TOUCH_KEYS.filter((k) => k in b).map((k) => [k, b[k]]));
async function conversation(page) {
  return page.evaluate(() => [...document.querySelector('aida-widget').shadowRoot.querySelectorAll('[role=log] .msg')]
    .map((m) => `${m.classList.contains('u') ? 'user' : 'assistant'}: ${m.querySelector('.b').textContent}`));
}

test('reload and another page: conversation, suggestions and open state restored; the session goes on', async () => {
  const { page, context, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  const bodies = recordBodies(page);
  const landing = stack.host.url('/internet.html?utm_source=vk&utm_medium=social&utm_campaign=summer&gclid=G-1');
  await page.goto(landing);
  const u = ui(page);
  await u.launcher.click();
  await choose(page, 'Тарифы для дома');
  const sugg1 = await suggestionTexts(page);
  assert.ok(sugg1.length > 0, 'the reply offers suggestions');
  const before = await conversation(page);
  const sid = await page.evaluate(() => localStorage.getItem('aida_session_id'));
  assert.match(sid, /^[A-Za-z0-9_.:-]{1,128}$/);

  await page.reload();
  await u.dialog.waitFor({ state: 'visible' }); // open again, without a click
  await page.waitForFunction((n) => document.querySelector('aida-widget').shadowRoot.querySelectorAll('[role=log] .msg').length >= n, before.length);
  assert.deepEqual(await conversation(page), before, 'the same messages, in order');
  assert.deepEqual(await suggestionTexts(page), sugg1, 'the same suggestions');
  assert.equal(await page.evaluate(() => localStorage.getItem('aida_session_id')), sid);
  await shot(page, 'desktop-restored-after-reload');

  // Another page of the same site, without UTM in its URL.
  await page.goto(stack.host.url('/contacts.html'));
  await u.dialog.waitFor({ state: 'visible' });
  await page.waitForFunction((n) => document.querySelector('aida-widget').shadowRoot.querySelectorAll('[role=log] .msg').length >= n, before.length);
  assert.deepEqual(await conversation(page), before);
  await choose(page, sugg1.find((s) => /Премиум/.test(s)) || sugg1[0]);
  const last = bodies[bodies.length - 1];
  assert.equal(last.session_id, sid, 'the same session goes on');
  assert.deepEqual(touchOf(last), touchOf(bodies[0]), 'the landing page\'s touch still goes with messages');
  assert.equal(last.utm_source, 'vk');
  assert.equal(last.landing_page, landing);
  const h = await stack.aida.history(sid);
  assert.equal(h.messages.filter((m) => m.role === 'user').length, 2, 'both turns on the server');

  // Closed stays closed on the next page; opening shows the same conversation.
  await u.close.click();
  const historyCalls = [];
  page.on('request', (r) => { if (/\/chat\/history/.test(r.url())) historyCalls.push(r.url()); });
  await page.goto(stack.host.url('/about.html'));
  await u.launcher.waitFor();
  await page.waitForTimeout(500);
  assert.equal(await u.dialog.isVisible(), false, 'closed stays closed');
  assert.equal(historyCalls.length, 0, 'a closed widget asks the server nothing on a page view');
  assert.equal(await u.launcher.getAttribute('aria-expanded'), 'false');
  await u.launcher.click();
  await page.waitForFunction((n) => document.querySelector('aida-widget').shadowRoot.querySelectorAll('[role=log] .msg').length >= n, before.length + 2);
  assert.deepEqual((await conversation(page)).slice(0, before.length), before);

  // A new visitor (another browser profile) starts afresh.
  const other = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  await other.page.goto(stack.host.url('/'));
  await ui(other.page).launcher.click();
  assert.deepEqual(await texts(ui(other.page).assistant), ['Здравствуйте! Я помогу подобрать интернет-тариф.']);
  assert.equal(await ui(other.page).user.count(), 0);
  await other.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test('attribution: UTM, click ids, referrer and landing page; first touch kept, current touch sent', async () => {
  const { page, context, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  const bodies = recordBodies(page);
  // Arrives from a search engine's ad: the referrer is set by the link's page.
  const first = stack.host.url('/promo.html?utm_source=yandex&utm_medium=cpc&utm_campaign=home_500&utm_content=banner_1&utm_term=%D0%B8%D0%BD%D1%82%D0%B5%D1%80%D0%BD%D0%B5%D1%82&yclid=Y-42');
  await page.goto(first, { referer: 'https://yandex.ru/search/?text=internet' });
  const u = ui(page);
  await u.launcher.click();
  await say(page, 'Здравствуйте');
  assert.deepEqual(touchOf(bodies[0]), {
    utm_source: 'yandex', utm_medium: 'cpc', utm_campaign: 'home_500', utm_content: 'banner_1', utm_term: 'интернет',
    yclid: 'Y-42', referrer: 'https://yandex.ru/search/?text=internet', landing_page: first,
  });
  const stored = await page.evaluate(() => ({
    first: JSON.parse(localStorage.getItem('aida_first_touch')),
    current: JSON.parse(sessionStorage.getItem('aida_utm_data')),
  }));
  assert.equal(stored.first.utm_source, 'yandex');
  assert.equal(stored.current.utm_source, 'yandex');

  // A later visit in a new tab, typed in directly (no UTM): the first touch is not overwritten,
  // and it is what goes with the message.
  const tab2 = await context.newPage();
  const bodies2 = recordBodies(tab2);
  await tab2.goto(stack.host.url('/tariffs.html'));
  await ui(tab2).launcher.click();
  await say(tab2, 'хочу интернет домой');
  assert.equal((await tab2.evaluate(() => JSON.parse(localStorage.getItem('aida_first_touch')))).utm_source, 'yandex');
  assert.equal(bodies2[0].utm_source, 'yandex');
  assert.equal(bodies2[0].yclid, 'Y-42');
  assert.equal(bodies2[0].landing_page, first);

  // A new campaign click: the current touch changes and is sent; the first touch stays.
  const third = stack.host.url('/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=G-7');
  await tab2.goto(third);
  await ui(tab2).dialog.waitFor({ state: 'visible' });
  await tab2.waitForFunction(() => document.querySelector('aida-widget').shadowRoot.querySelectorAll('.msg.u').length >= 2);
  await say(tab2, 'Пакет Премиум');
  const b = bodies2[bodies2.length - 1];
  // (no referrer: the address was typed in, so the field is left out)
  assert.deepEqual(touchOf(b), { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand', gclid: 'G-7', landing_page: third });
  const firstTouch = await tab2.evaluate(() => JSON.parse(localStorage.getItem('aida_first_touch')));
  assert.equal(firstTouch.utm_source, 'yandex', 'the first touch is never overwritten');
  assert.equal(firstTouch.landing_page, first);
  assert.deepEqual(problems, []);
  await context.close();
});
