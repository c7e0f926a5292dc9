'use strict';
// The personal-data notice (152-FZ): under the input, before the first message, with links to
// the operator's policy and to the consent text; on a strict-CSP host and on the full page.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO, startStack, startAida, launch, newPage, shot } = require('../lib/harness');
const { ui, cspViolations, settled, say, choose } = require('../lib/chat');

const POLICY = 'https://smit34.ru/privacy-policy';
let stack, browser;
before(async () => {
  stack = await startStack({ env: { AIDA_PRIVACY_URL: POLICY } });
  browser = await launch();
});
after(async () => { await browser?.close(); await stack?.stop(); });

const origins = () => [stack.host.origin, stack.aida.url];

async function notice(page) {
  const n = page.locator('aida-widget').locator('.pn');
  await n.waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelector('aida-widget').shadowRoot.querySelectorAll('.pn a').length >= 2);
  const links = await n.locator('a').evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.href, rel: a.rel, target: a.target })));
  return { text: await n.textContent(), links, box: await n.boundingBox() };
}

test('widget: the notice under the input links the policy (AIDA_PRIVACY_URL) and the consent text before any message', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: origins() });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.click();
  await settled(page);
  const n = await notice(page);
  assert.match(n.text, /Контакты попросим только с вашего согласия/);
  assert.deepEqual(n.links.map((l) => [l.text, l.href]), [
    ['Политика обработки персональных данных', POLICY],
    ['Согласие на обработку данных', `${stack.aida.url}/privacy/consent`],
  ]);
  assert.ok(n.links.every((l) => l.rel === 'noopener noreferrer' && l.target === '_blank'));
  const ib = await u.input.boundingBox();
  assert.ok(n.box.y >= ib.y + ib.height - 1, `the notice is under the input: ${JSON.stringify([n.box, ib])}`);
  assert.equal(await u.user.count(), 0, 'shown before the first message');
  assert.equal(await u.input.getAttribute('aria-describedby'), await page.locator('aida-widget').locator('.pn').getAttribute('id'));
  await shot(page, 'privacy-1-widget-notice');

  // The consent text is a page of its own, with its version.
  const consent = await page.context().newPage();
  await consent.goto(n.links[1].href);
  assert.match(await consent.locator('body').textContent(), /Согласие на обработку персональных данных[\s\S]*Версия текста: sha256:/);
  await consent.close();
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('widget: the privacyUrl option wins; a javascript: address is never a link', async () => {
  for (const [given, expected] of [['https://example.ru/policy', 'https://example.ru/policy'], ['javascript:alert(1)', null]]) {
    const { page, problems } = await newPage(browser, { allowedOrigins: origins() });
    await page.addInitScript((url) => { window.__aidaOptions = { privacyUrl: url }; }, given);
    await page.goto(stack.host.url('/'));
    const u = ui(page);
    await u.launcher.click();
    await settled(page);
    await page.waitForFunction(() => document.querySelector('aida-widget').shadowRoot.querySelectorAll('.pn a').length >= 1);
    const hrefs = await page.locator('aida-widget').locator('.pn a').evaluateAll((as) => as.map((a) => a.href));
    if (expected) assert.equal(hrefs[0], expected);
    else assert.ok(hrefs.every((h) => /^http/.test(h)), JSON.stringify(hrefs));
    assert.deepEqual(problems, []);
    await page.context().close();
  }
});

test('assistant page: the notice with AIDA_PRIVACY_URL, before the first message', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.aida.url] });
  await page.goto(`${stack.aida.url}/aida_chat.html`);
  const n = await notice(page);
  assert.equal(n.links[0].href, POLICY);
  await shot(page, 'privacy-2-page-notice');
  await say(page, 'Тарифы для дома');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('the consent question links the consent text the operator published; the link is a real link', async () => {
  // The shipped catalog with `consent_url` set, as an operator would.
  const data = path.join(REPO, 'aida', 'catalog', 'data');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aida-catalog-'));
  for (const f of ['coverage.csv', 'consent.md']) fs.copyFileSync(path.join(data, f), path.join(dir, f));
  const toml = fs.readFileSync(path.join(data, 'catalog.toml'), 'utf8')
    .replace(/^# consent_url = "([^"]+)".*$/m, 'consent_url = "$1"');
  assert.match(toml, /^consent_url = "https:\/\/smit34\.ru\/soglasie"$/m);
  fs.writeFileSync(path.join(dir, 'catalog.toml'), toml);
  const aida = await startAida({ env: { AIDA_CATALOG: path.join(dir, 'catalog.toml') } });
  try {
    const { page, problems } = await newPage(browser, { allowedOrigins: [aida.url] });
    await page.goto(`${aida.url}/aida_chat.html`);
    await ui(page).input.waitFor();
    await choose(page, 'Тарифы для дома');
    await choose(page, 'Пакет Премиум');
    await choose(page, /^Без камер/);
    await choose(page, /^(Нет|Не нужен)/);
    await say(page, 'ул. Мира, 5, кв 12');
    const bubble = ui(page).assistant.last();
    const link = bubble.locator('a');
    assert.equal(await link.count(), 1, 'one link in the consent question');
    assert.equal(await link.getAttribute('href'), 'https://smit34.ru/soglasie');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.ok((await page.locator('aida-widget').locator('.pn a').evaluateAll((as) => as.map((a) => a.href))).includes('https://smit34.ru/soglasie'));
    await shot(page, 'privacy-3-consent-question');
    assert.deepEqual(problems, []);
    await page.context().close();
  } finally {
    await aida.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
