'use strict';
// Keyboard use: launcher by keyboard, Enter sends, Shift+Enter adds a line, Esc closes and
// gives focus back to the launcher, a sensible Tab order inside the panel.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startStack, launch, newPage } = require('../lib/harness');
const { ui, focused, waitReply, settled } = require('../lib/chat');

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

test('keyboard only: open, type, Shift+Enter, Enter, Tab order, Esc', async () => {
  const { page, problems } = await newPage(browser, { allowedOrigins: [stack.host.origin, stack.aida.url] });
  await page.goto(stack.host.url('/'));
  const u = ui(page);
  await u.launcher.waitFor();

  // The launcher comes after the site's own links in the Tab order.
  await page.locator('#site-link-2').focus();
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'button:Задать вопрос');
  await page.keyboard.press('Enter');
  await u.dialog.waitFor({ state: 'visible' });
  assert.equal(await focused(page), 'textarea:Сообщение', 'focus goes to the input on open');

  // Enter on an empty input sends nothing.
  await page.keyboard.press('Enter');
  assert.equal(await u.user.count(), 0);

  // Shift+Enter adds a line; Enter sends the two lines as one message.
  await page.keyboard.type('Здравствуйте');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('хочу интернет домой');
  assert.equal(await u.input.inputValue(), 'Здравствуйте\nхочу интернет домой');
  assert.equal(await u.user.count(), 0, 'Shift+Enter did not send');
  const before = await u.assistant.count();
  await page.keyboard.press('Enter');
  assert.equal(await u.input.inputValue(), '', 'the input is cleared');
  await waitReply(page, before, u);
  assert.equal(await u.user.last().textContent(), 'Здравствуйте\nхочу интернет домой', 'both lines, as typed');
  const lines = await u.user.last().evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
  assert.ok(lines >= 1.9, `the line break is shown (${lines.toFixed(2)} lines)`);

  // Tab order inside the panel: close, conversation, suggestions, input, send, the consent
  // text's link under the input (no policy link: AIDA_PRIVACY_URL is not set here), launcher.
  await u.close.focus();
  const order = [await focused(page)];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    order.push(f);
    if (f === 'button:Задать вопрос') break;
  }
  const suggestionCount = await u.suggestions.count();
  const expected = ['button:Закрыть', 'div[log]:Переписка'];
  for (const s of await u.suggestions.allTextContents()) expected.push(`button:${s.trim()}`);
  expected.push('textarea:Сообщение', 'button:Отправить', 'a:Согласие на обработку данных', 'button:Задать вопрос');
  assert.deepEqual(order, expected, `Tab order (with ${suggestionCount} suggestions)`);

  // Shift+Tab goes back.
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(page), 'a:Согласие на обработку данных');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(page), 'button:Отправить');

  // A suggestion can be chosen with the keyboard.
  if (suggestionCount) {
    const name = (await u.suggestions.first().textContent()).trim();
    const n = await u.assistant.count();
    await u.suggestions.first().focus();
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'textarea:Сообщение', 'focus stays in the chat when the chosen button goes away');
    await waitReply(page, n, u);
    assert.equal(await u.user.last().textContent(), name);
  }

  // Esc from the input closes the panel and returns focus to the launcher.
  await u.input.focus();
  await page.keyboard.press('Escape');
  await u.dialog.waitFor({ state: 'hidden' });
  assert.equal(await focused(page), 'button:Задать вопрос');
  assert.equal(await u.launcher.getAttribute('aria-expanded'), 'false');

  // Space opens it again; Esc from inside the conversation closes it too.
  await page.keyboard.press('Space');
  await u.dialog.waitFor({ state: 'visible' });
  await settled(page);
  await u.log.focus();
  await page.keyboard.press('Escape');
  await u.dialog.waitFor({ state: 'hidden' });
  assert.equal(await focused(page), 'button:Задать вопрос');

  // The close button works from the keyboard as well.
  await page.keyboard.press('Enter');
  await u.dialog.waitFor({ state: 'visible' });
  await u.close.focus();
  await page.keyboard.press('Enter');
  await u.dialog.waitFor({ state: 'hidden' });
  assert.equal(await focused(page), 'button:Задать вопрос');
  assert.deepEqual(problems, []);
});
