'use strict';
// A phone: under 480 px the open panel fills the screen, the input is 16 px (no zoom on
// focus), the keyboard does not pop up by itself, and the input stays above the keyboard.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, launch, newPage, shot } = require('../lib/harness');
const { ui, choose, focused, settled } = require('../lib/chat');

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

test('phone: full-screen panel, 16 px input, no auto keyboard, input above the keyboard', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url], ...PHONE });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.waitFor();
  const lb = await u.launcher.boundingBox();
  assert.ok(lb.x + lb.width <= 375 && lb.y + lb.height <= 667 && lb.height >= 44, `launcher on screen: ${JSON.stringify(lb)}`);
  await shot(page, 'mobile-1-closed');

  await u.launcher.tap();
  await u.dialog.waitFor({ state: 'visible' });
  await settled(page);
  const box = await u.dialog.boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height].map(Math.round), [0, 0, 375, 667], 'fills the screen');
  assert.equal(await u.launcher.isVisible(), false, 'the launcher is under the panel, out of the way');
  assert.notEqual(await focused(page), 'textarea:Сообщение', 'no keyboard popping up by itself');
  const fs = await u.input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fs >= 16, `input font-size ${fs}px ≥ 16px`);
  const cb = await u.close.boundingBox();
  assert.ok(cb.width >= 44 && cb.height >= 44, 'a close button big enough for a thumb');
  const hasDvh = await page.evaluate(() => {
    const sheets = document.querySelector('aida-widget').shadowRoot.adoptedStyleSheets;
    return sheets.some((s) => [...s.cssRules].some((r) => /100dvh/.test(r.cssText) && /max-width: 479\.98px/.test(r.cssText)));
  });
  assert.ok(hasDvh, 'the phone layout uses 100dvh');

  await choose(page, 'Тарифы для дома');
  for (const b of await u.suggestions.all()) {
    const sb = await b.boundingBox();
    assert.ok(sb.height >= 44, 'suggestions are thumb-sized');
    assert.ok(sb.x >= 0 && sb.x + sb.width <= 375, 'suggestions fit the width');
  }
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no sideways scrolling');
  await shot(page, 'mobile-2-open-suggestions');

  // The on-screen keyboard takes the lower half: the input must stay visible above it.
  await u.input.tap();
  await page.setViewportSize({ width: 375, height: 330 });
  await page.waitForTimeout(300);
  const ib = await u.input.boundingBox();
  const db = await u.dialog.boundingBox();
  assert.ok(ib.y >= 0 && ib.y + ib.height <= 330, `input above the keyboard: ${JSON.stringify(ib)}`);
  assert.ok(Math.round(db.height) <= 330, `the panel shrinks with the visible area: ${JSON.stringify(db)}`);
  const lastReply = await u.assistant.last().boundingBox();
  assert.ok(lastReply.y + lastReply.height > 0, 'the conversation is still in view');
  await shot(page, 'mobile-3-keyboard');
  await page.setViewportSize({ width: 375, height: 667 });

  await u.close.tap();
  await u.dialog.waitFor({ state: 'hidden' });
  await u.launcher.waitFor({ state: 'visible' });
  assert.equal(await focused(page), 'button:Задать вопрос');
  assert.deepEqual(problems, []);
});
