'use strict';
// Screen-reader facing behaviour: names and relations of the controls, and a live region
// (role=log) that gets each reply once, complete — even while the reply streams in bit by bit.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, startSlowStream, launch, newPage, shot } = require('../lib/harness');
const { ui, waitReply, settled } = require('../lib/chat');

let stack, slow, browser;
before(async () => {
  stack = await startStack();
  slow = await startSlowStream(stack.aida.url, { allowOrigin: stack.host.origin });
  stack.host.state.connect.push(slow.url);
  browser = await launch();
});
after(async () => { await browser?.close(); await slow?.stop(); await stack?.stop(); });

test('names and relations: launcher ↔ dialog, log, labelled input, suggestion group', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.click();
  const rel = await page.evaluate(() => {
    const r = document.querySelector('aida-widget').shadowRoot;
    const launcher = r.querySelector('.launch');
    const dialog = r.getElementById(launcher.getAttribute('aria-controls'));
    return {
      controls: dialog && dialog.getAttribute('role'),
      modal: dialog && dialog.getAttribute('aria-modal'),
      title: dialog && r.getElementById(dialog.getAttribute('aria-labelledby')).textContent,
      live: r.querySelector('[role=log]').getAttribute('aria-live'),
    };
  });
  assert.deepEqual(rel, { controls: 'dialog', modal: 'false', title: 'Аида', live: 'polite' });
  assert.equal(await page.getByRole('log', { name: 'Переписка' }).count(), 1);
  assert.equal(await page.getByRole('textbox', { name: 'Сообщение' }).count(), 1);
  assert.equal(await page.getByRole('group', { name: 'Варианты ответа' }).getByRole('button').count(), 2);
  // Who said what is in the accessible text, not only in the colours.
  assert.match(await u.log.innerText(), /^Аида:\s*Здравствуйте/);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a streamed reply appears bit by bit on screen, but enters the live region once, complete', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url, slow.url] });
  await page.addInitScript((api) => { window.__aidaOptions = { apiUrl: api }; }, slow.url);
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.click();
  await settled(page);
  await page.evaluate(() => {
    window.__logChanges = [];
    const log = document.querySelector('aida-widget').shadowRoot.querySelector('[role=log]');
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'characterData') window.__logChanges.push({ kind: 'text', text: r.target.data });
        for (const n of r.addedNodes) {
          if (n.parentNode === log) window.__logChanges.push({ kind: 'added', text: n.textContent, cls: n.className });
          else window.__logChanges.push({ kind: 'inner', text: n.textContent });
        }
      }
    }).observe(log, { childList: true, subtree: true, characterData: true });
  });
  const before = await u.assistant.count();
  await u.suggestions.filter({ hasText: 'Тарифы для дома' }).click();
  // While it streams: a growing draft on screen, outside the live region, marked busy.
  const draft = u.root.locator('.draft .b');
  await draft.waitFor({ state: 'visible' });
  const partial = await draft.textContent();
  assert.equal(await u.log.getAttribute('aria-busy'), 'true');
  assert.doesNotMatch(await u.user.last().locator('xpath=..').textContent(), /Отправляется/, 'the question has arrived');
  await shot(page, 'desktop-streaming');
  const reply = await waitReply(page, before, u);
  assert.ok(partial.length > 0 && partial.length < reply.length, `shown in pieces: ${partial.length} of ${reply.length} characters first`);
  assert.equal(await u.log.getAttribute('aria-busy'), 'false');
  const changes = await page.evaluate(() => window.__logChanges);
  const added = changes.filter((c) => c.kind === 'added');
  assert.deepEqual(added.map((c) => c.cls), ['msg u', 'msg a'], 'the question, then the answer: two additions');
  assert.equal(added[1].text.replace(/^Аида:/, ''), reply, 'the answer went in complete');
  assert.deepEqual(changes.filter((c) => c.kind === 'text'), [], 'no text changed in place inside the live region');
  assert.equal(await draft.count(), 0, 'the draft is gone');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('prefers-reduced-motion: no opening animation, no bouncing dots', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url], reducedMotion: 'reduce' });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.click();
  await u.dialog.waitFor({ state: 'visible' });
  const anim = await page.evaluate(() => {
    const r = document.querySelector('aida-widget').shadowRoot;
    return { running: r.getAnimations().length, panel: getComputedStyle(r.querySelector('.panel')).animationName, dots: getComputedStyle(r.querySelector('.typing i')).animationName };
  });
  assert.deepEqual(anim, { running: 0, panel: 'none', dots: 'none' });
  assert.deepEqual(problems, []);
  await page.context().close();
});
