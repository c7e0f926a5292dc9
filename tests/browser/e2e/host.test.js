'use strict';
// The widget embedded with one script tag on a provider's site on another origin: strict CSP,
// hostile CSS. It must look and work the same, and leave the site's own styles alone.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, launch, newPage, shot } = require('../lib/harness');
const { ui, cspViolations, settled } = require('../lib/chat');

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const origins = () => [stack.host.origin, stack.aida.url];

// Computed style of an element inside the widget's shadow root.
function styleOf(page, selector, props) {
  return page.evaluate(([sel, ps]) => {
    const el = document.querySelector('aida-widget').shadowRoot.querySelector(sel);
    const cs = getComputedStyle(el);
    return Object.fromEntries(ps.map((p) => [p, cs.getPropertyValue(p)]));
  }, [selector, props]);
}

test('hostile host CSS neither hides nor restyles the widget, and the widget leaves the host alone', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: origins() });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  const hostBefore = await page.evaluate(() => ({
    head: [...document.head.children].map((e) => e.tagName).join(','),
    sheets: document.styleSheets.length,
    h1: getComputedStyle(document.querySelector('.site h1')).fontSize,
  }));

  await u.launcher.waitFor({ state: 'visible' });
  assert.equal(await u.launcher.getAttribute('aria-expanded'), 'false');
  const box = await u.launcher.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, `launcher is a comfortable target: ${JSON.stringify(box)}`);
  // Bottom-right corner of the screen (not of the 3000 px transformed <body>).
  assert.ok(Math.abs(1280 - (box.x + box.width) - 20) <= 2, `20 px from the right edge: ${JSON.stringify(box)}`);
  assert.ok(Math.abs(800 - (box.y + box.height) - 20) <= 2, `20 px from the bottom edge: ${JSON.stringify(box)}`);

  const launcherStyle = await styleOf(page, '.launch', [
    'background-color', 'color', 'font-size', 'font-family', 'text-transform', 'letter-spacing', 'opacity', 'visibility', 'cursor',
  ]);
  assert.equal(launcherStyle['background-color'], 'rgb(10, 88, 202)', 'primaryColor, not the host\'s --aida-p: red');
  assert.equal(launcherStyle.color, 'rgb(255, 255, 255)');
  assert.equal(launcherStyle['font-size'], '16px', 'not the host\'s 2px');
  assert.doesNotMatch(launcherStyle['font-family'], /Comic/);
  assert.equal(launcherStyle['text-transform'], 'none');
  assert.equal(launcherStyle['letter-spacing'], 'normal');
  assert.equal(launcherStyle.visibility, 'visible');
  await shot(page, 'desktop-1-closed');

  // The site's cookie bar (z-index 999999) overlaps the corner; the click still lands.
  await u.launcher.click();
  await u.dialog.waitFor({ state: 'visible' });
  await settled(page);
  assert.equal(await u.launcher.getAttribute('aria-expanded'), 'true');
  const dlg = await u.dialog.boundingBox();
  assert.ok(dlg.width >= 340 && dlg.height >= 400, `the panel has its own size: ${JSON.stringify(dlg)}`);
  assert.ok(dlg.x + dlg.width <= 1280 && dlg.y >= 0, 'the panel is on screen');
  assert.equal(await page.getByRole('dialog', { name: 'Аида' }).count(), 1, 'dialog is named by its title');
  assert.equal(await u.assistant.first().textContent(), 'Здравствуйте! Я помогу подобрать интернет-тариф.', 'welcome first');
  const bubble = await styleOf(page, '.msg.a .b', ['font-size', 'color', 'text-align', 'white-space', 'display']);
  assert.equal(bubble['font-size'], '15px');
  assert.equal(bubble.color, 'rgb(28, 36, 48)');
  assert.equal(bubble['text-align'], 'left', 'not the host\'s rtl/right alignment');
  const inputStyle = await styleOf(page, 'textarea', ['font-size', 'display', 'box-sizing']);
  assert.equal(inputStyle['font-size'], '16px');
  assert.equal(inputStyle['box-sizing'], 'border-box', 'not the host\'s content-box');
  assert.ok(await u.input.isVisible() && await u.send.isVisible() && await u.close.isVisible());
  await u.input.fill('тест');
  assert.equal(await u.input.inputValue(), 'тест');
  await u.input.fill('');
  await shot(page, 'desktop-2-open');

  const hostAfter = await page.evaluate(() => ({
    head: [...document.head.children].map((e) => e.tagName).join(','),
    sheets: document.styleSheets.length,
    h1: getComputedStyle(document.querySelector('.site h1')).fontSize,
    adopted: document.adoptedStyleSheets.length,
    htmlStyle: document.documentElement.getAttribute('style'),
    bodyStyle: document.body.getAttribute('style'),
    bodyClass: document.body.className,
    added: [...document.querySelectorAll('body > *, html > *')].map((e) => e.tagName.toLowerCase())
      .filter((t) => !['head', 'body', 'section', 'script'].includes(t)),
  }));
  assert.deepEqual(
    { head: hostAfter.head, sheets: hostAfter.sheets, h1: hostAfter.h1 },
    hostBefore, 'no style or link added to the host document',
  );
  assert.equal(hostAfter.adopted, 0);
  assert.equal(hostAfter.htmlStyle, null);
  assert.equal(hostAfter.bodyStyle, null);
  assert.equal(hostAfter.bodyClass, '');
  assert.deepEqual(hostAfter.added, ['aida-widget'], 'one element added, nothing else');
  assert.deepEqual(await cspViolations(page), [], 'no CSP violation under the strict policy');
  assert.deepEqual(problems, [], 'no errors and no third-party requests');
  await page.context().close();
});

test('options: bottom-left, buttonText, a light primaryColor gets dark text, welcomeMessage', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: origins() });
  await page.addInitScript(() => {
    window.__aidaOptions = {
      position: 'bottom-left', primaryColor: '#ffd400', buttonText: 'Чат с нами', welcomeMessage: 'Добрый день!',
    };
  });
  await page.goto(stack.host.url('/'));
  const u = ui(page, { buttonText: 'Чат с нами' });
  await u.launcher.waitFor();
  const box = await u.launcher.boundingBox();
  assert.ok(Math.abs(box.x - 20) <= 2, `20 px from the left edge: ${JSON.stringify(box)}`);
  const st = await styleOf(page, '.launch', ['background-color', 'color']);
  assert.equal(st['background-color'], 'rgb(255, 212, 0)');
  assert.equal(st.color, 'rgb(17, 24, 39)', 'dark text on a light colour stays readable');
  await u.launcher.click();
  await settled(page);
  const dlg = await u.dialog.boundingBox();
  assert.ok(Math.abs(dlg.x - 20) <= 2, 'the panel opens on the left too');
  assert.equal(await u.assistant.first().textContent(), 'Добрый день!');
  await shot(page, 'desktop-options-left-yellow');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('API: open(), close(), destroy(), a second init() is ignored, init() after destroy() works', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: origins() });
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.waitFor();
  await page.evaluate(() => AidaWidget.open());
  await u.dialog.waitFor({ state: 'visible' });
  await page.evaluate(() => AidaWidget.close());
  await u.dialog.waitFor({ state: 'hidden' });
  await page.evaluate(() => AidaWidget.init({ apiUrl: 'http://example.invalid' }));
  assert.equal(await page.locator('aida-widget').count(), 1, 'still one widget');
  assert.ok(warnings.some((w) => /already initialised/.test(w)), 'a second init() warns');
  await page.evaluate(() => AidaWidget.destroy());
  assert.equal(await page.locator('aida-widget').count(), 0, 'destroy() removes the widget');
  await page.evaluate(() => AidaWidget.destroy()); // twice is harmless
  await page.evaluate((api) => AidaWidget.init({ apiUrl: api, buttonText: 'Снова здесь' }), stack.aida.url);
  await ui(page, { buttonText: 'Снова здесь' }).launcher.click();
  await u.dialog.waitFor({ state: 'visible' });
  // A single-page site that re-renders and drops the widget gets it back.
  await page.evaluate(() => document.querySelector('aida-widget').remove());
  await page.locator('aida-widget').waitFor({ state: 'attached' });
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('without constructable stylesheets the <style nonce> fallback is used; a wrong nonce is blocked', async () => {
  for (const [nonce, styled] of [[null, true], ['wrong-nonce', false]]) {
    const { page } = await newPage(browser, { allowedOrigins: origins() });
    await page.addInitScript((n) => {
      delete ShadowRoot.prototype.adoptedStyleSheets;
      if (n) window.__aidaOptions = { nonce: n };
    }, nonce);
    await page.goto(stack.host.url('/'));
    await page.locator('aida-widget').waitFor({ state: 'attached' });
    const info = await page.evaluate(() => {
      const r = document.querySelector('aida-widget').shadowRoot;
      return { styleTags: r.querySelectorAll('style').length, bg: getComputedStyle(r.querySelector('.launch')).backgroundColor };
    });
    assert.equal(info.styleTags, 1, 'a <style> in the shadow root');
    const violations = await cspViolations(page);
    if (styled) {
      assert.equal(info.bg, 'rgb(10, 88, 202)', 'styled through the page nonce taken from the script tag');
      assert.deepEqual(violations, []);
    } else {
      assert.notEqual(info.bg, 'rgb(10, 88, 202)', 'a wrong nonce is refused by the CSP');
      assert.ok(violations.some((v) => /style-src/.test(v)), `a style-src violation: ${violations}`);
    }
    await page.context().close();
  }
});
