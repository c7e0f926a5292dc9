'use strict';
// Helpers that drive the chat as a customer would: through roles, labels and visible text.
const assert = require('node:assert/strict');

const WIDGET = 'aida-widget';

function ui(page, { buttonText = 'Задать вопрос' } = {}) {
  const root = page.locator(WIDGET);
  return {
    root,
    launcher: page.getByRole('button', { name: buttonText, exact: true }),
    dialog: page.getByRole('dialog'),
    log: page.getByRole('log'),
    input: page.getByLabel('Сообщение', { exact: true }),
    send: page.getByRole('button', { name: 'Отправить', exact: true }),
    close: page.getByRole('button', { name: 'Закрыть', exact: true }),
    suggestionGroup: page.getByRole('group', { name: 'Варианты ответа' }),
    suggestions: page.getByRole('group', { name: 'Варианты ответа' }).getByRole('button'),
    assistant: root.locator('[role=log] .msg.a .b'),
    user: root.locator('[role=log] .msg.u .b'),
    typing: root.locator('.typing'),
  };
}

// Collects every turn the widget reports (window event aida:message), with the step.
async function recordTurns(page) {
  await page.addInitScript(() => {
    window.__aidaTurns = [];
    window.addEventListener('aida:message', (e) => window.__aidaTurns.push(e.detail));
  });
}
async function lastStep(page) {
  return page.evaluate(() => {
    const t = (window.__aidaTurns || []).filter((x) => x.role === 'assistant');
    return t.length ? t[t.length - 1].step : null;
  });
}

async function waitReply(page, before, u, timeout = 20000) {
  await page.waitForFunction(
    ([sel, n]) => {
      const host = document.querySelector('aida-widget');
      if (!host || !host.shadowRoot) return false;
      const r = host.shadowRoot;
      const typing = r.querySelector('.typing');
      return r.querySelectorAll('[role=log] .msg.a').length > n && (!typing || typing.hidden);
    },
    [WIDGET, before], { timeout },
  );
  return (await u.assistant.last().textContent()).trim();
}

// Types a message and sends it with Enter; returns the assistant's reply text.
async function say(page, text, opts = {}) {
  const u = ui(page, opts);
  const before = await u.assistant.count();
  await u.input.fill(text);
  await u.input.press('Enter');
  return waitReply(page, before, u);
}

// Clicks the suggestion button whose text matches; returns the reply.
async function choose(page, pattern, opts = {}) {
  const u = ui(page, opts);
  const before = await u.assistant.count();
  const names = await suggestionTexts(page, opts);
  const name = names.find((n) => (pattern instanceof RegExp ? pattern.test(n) : n === pattern));
  assert.ok(name, `no suggestion matching ${pattern} among ${JSON.stringify(names)}`);
  await u.suggestions.filter({ hasText: name }).first().click();
  return waitReply(page, before, u);
}

async function suggestionTexts(page, opts = {}) {
  const u = ui(page, opts);
  if (!(await u.suggestionGroup.isVisible())) return [];
  return (await u.suggestions.allTextContents()).map((s) => s.trim());
}

async function texts(locator) {
  return (await locator.allTextContents()).map((s) => s.trim());
}

// The name of whatever has focus, looking inside the widget's shadow root.
async function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    const label = a.getAttribute('aria-label') || (a.labels && a.labels[0] && a.labels[0].textContent) || a.textContent;
    return `${a.tagName.toLowerCase()}${a.getAttribute('role') ? '[' + a.getAttribute('role') + ']' : ''}:${(label || '').trim()}`;
  });
}

// Waits for the widget's open animation (and any other) to finish.
async function settled(page) {
  await page.evaluate(() => {
    const h = document.querySelector('aida-widget');
    return h ? Promise.all(h.shadowRoot.getAnimations().map((a) => a.finished.catch(() => null))) : null;
  });
}

async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || []);
}

module.exports = { ui, say, choose, suggestionTexts, texts, focused, recordTurns, lastStep, waitReply, cspViolations, settled };
