'use strict';
// A customer on the provider's site (another origin, strict CSP, hostile CSS), arriving from
// an ad, completes the onboarding in the widget by clicking suggestions and typing. The lead
// in the store carries the page's UTM, click id, referrer and landing page.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, launch, newPage, shot } = require('../lib/harness');
const { ui, recordTurns, completeOnboarding, cspViolations } = require('../lib/chat');

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

test('onboarding in the widget: tariff → extras → address → contacts → schedule → confirm → lead with UTM', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  await recordTurns(page);
  const landing = stack.host.url('/internet-doma.html?utm_source=yandex&utm_medium=cpc&utm_campaign=volgograd_home&utm_content=premium_ad&utm_term=%D0%B8%D0%BD%D1%82%D0%B5%D1%80%D0%BD%D0%B5%D1%82+%D0%B4%D0%BE%D0%BC%D0%BE%D0%B9&yclid=5550123');
  await page.goto(landing, { referer: 'https://yandex.ru/' });
  const u = ui(page);
  await u.launcher.click();
  await u.dialog.waitFor({ state: 'visible' });

  // The typing indicator shows while the answer is on its way.
  let sawTyping = false;
  const watch = setInterval(async () => { sawTyping = sawTyping || await u.typing.isVisible().catch(() => false); }, 30);
  const replies = await completeOnboarding(page, {
    start: 'click',
    screenshots: async (state) => shot(page, `desktop-3-${state}`),
  });
  clearInterval(watch);
  assert.ok(sawTyping, 'a typing indicator was shown while waiting');

  const summary = replies[replies.length - 2];
  for (const part of ['Пакет Премиум', 'Мира', 'Иван', '18:00']) assert.ok(summary.includes(part), `the summary shows ${part}: ${summary}`);
  // Multi-line replies keep their lines.
  const confirmBubble = u.assistant.nth(-2);
  const h = await confirmBubble.evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
  assert.ok(h >= summary.split('\n').length, 'each line of the summary is on its own line');

  const leads = await stack.aida.leads();
  assert.equal(leads.length, 1, 'one lead');
  const lead = leads[0];
  assert.equal(lead.session_id, await page.evaluate(() => localStorage.getItem('aida_session_id')));
  assert.equal(lead.tariff, 'Пакет Премиум');
  assert.equal(lead.cctv_cameras, 0);
  assert.equal(lead.static_ip, false);
  assert.equal(lead.address.house, '5');
  assert.equal(lead.address.flat, '12');
  assert.equal(lead.name, 'Иван');
  assert.equal(lead.phone, '+79991234567');
  assert.equal(lead.time, '18:00');
  assert.equal(lead.consent_method, 'button', 'the consent given with the «Согласен» button');
  assert.match(lead.consent_version, /^sha256:[0-9a-f]{12}$/);
  assert.ok(Date.parse(lead.consent_at) <= Date.parse(lead.created_at), 'consent before the lead');
  assert.deepEqual(lead.attribution, {
    utm_source: 'yandex', utm_medium: 'cpc', utm_campaign: 'volgograd_home', utm_content: 'premium_ad',
    utm_term: 'интернет домой', gclid: null, yclid: '5550123', referrer: 'https://yandex.ru/', landing_page: landing,
  });
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
});
