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
  // The customer sees the answer: its first line is inside the visible part of the conversation
  // (a long reply is not scrolled past, a short one not left below the fold).
  const view = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const r = document.querySelector('aida-widget').shadowRoot;
    const s = r.querySelector('.scroll').getBoundingClientRect();
    const all = r.querySelectorAll('[role=log] .msg.a');
    const m = all[all.length - 1].getBoundingClientRect();
    resolve({ top: m.top, bottom: m.bottom, viewTop: s.top, viewBottom: s.bottom });
  }))));
  assert.ok(view.top >= view.viewTop - 1 && view.top + 20 <= view.viewBottom,
    `the new reply's first line is in view: ${JSON.stringify(view)}`);
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

// The whole onboarding as a customer does it, by clicking suggestions and typing; checks the
// step after every turn. Suggestion texts come from the engine: only the ones a customer
// would look for are matched, loosely. Returns the replies in order.
async function completeOnboarding(page, { start = 'click', screenshots = null } = {}) {
  const replies = [];
  const step = async (expected, what) => {
    const got = await lastStep(page);
    assert.equal(got, expected, `after ${what}: step ${got}, expected ${expected}. Last reply: ${replies[replies.length - 1]}`);
  };
  replies.push(start === 'click' ? await choose(page, 'Тарифы для дома') : await say(page, 'хочу интернет домой'));
  await step('tariff', 'asking for home tariffs');
  assert.ok((await suggestionTexts(page)).includes('Пакет Премиум'), 'the home tariffs are offered as buttons');
  if (screenshots) await screenshots('suggestions');
  replies.push(await choose(page, 'Пакет Премиум'));
  await step('extras', 'choosing the tariff');
  replies.push(await choose(page, /^Без камер/));
  await step('extras', 'declining cameras');
  replies.push(await choose(page, /^(Нет|Не нужен)/));
  await step('address', 'declining a static IP');
  replies.push(await say(page, 'ул. Мира, 5, кв 12'));
  await step('contacts', 'giving the address');
  assert.match(replies[replies.length - 1], /согласны на обработку персональных данных/, 'consent is asked before any contact');
  if (screenshots) await screenshots('consent');
  replies.push(await choose(page, /^Согласен/));
  await step('contacts', 'giving consent');
  replies.push(await say(page, 'Иван, +7 999 123-45-67'));
  await step('contacts', 'giving name and phone');
  replies.push(await choose(page, /Без e-?mail/i));
  await step('schedule', 'declining email');
  replies.push(await choose(page, 'Завтра вечером'));
  await step('confirm', 'choosing a time');
  if (screenshots) await screenshots('confirm');
  replies.push(await choose(page, /^Да, вс[её] верно/));
  await step('done', 'confirming');
  if (screenshots) await screenshots('done');
  return replies;
}

module.exports = {
  completeOnboarding, ui, say, choose, suggestionTexts, texts, focused, recordTurns, lastStep, waitReply, cspViolations, settled };
