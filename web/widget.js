/*!
 * AIDA web widget — the chat on a provider's site and the full-page assistant.
 * Plain JavaScript, no framework, no build step, no third-party requests.
 *
 *   <script src="https://aida.smit34.ru/widget.js"></script>
 *   <script>
 *     AidaWidget.init({ apiUrl: 'https://aida.smit34.ru', position: 'bottom-right' });
 *   </script>
 *
 * Options: apiUrl, position ('bottom-right' | 'bottom-left'), primaryColor, buttonText,
 * welcomeMessage, plus: suggestions (first quick replies), title, subtitle, nonce (for
 * <style nonce> where constructable stylesheets are missing), stream (false: plain POST /chat),
 * mode ('widget' | 'page': the full-page assistant), container (page mode: where to mount),
 * texts (interface strings).
 * API: AidaWidget.init(options), .open(), .close(), .destroy().
 * Events on window: aida:open, aida:close, aida:message, aida:done.
 *
 * Everything is drawn inside an open Shadow DOM root; server text is inserted as text only.
 */
(function () {
  'use strict';

  var W = window;
  var D = document;
  if (W.AidaWidget && W.AidaWidget.version) return; // loaded twice: keep the first copy

  var VERSION = '1.0.0';
  var SCRIPT = D.currentScript;
  var KEY_SESSION = 'aida_session_id'; // localStorage: the conversation
  var KEY_FIRST = 'aida_first_touch'; // localStorage: first touch, never overwritten
  var KEY_TOUCH = 'aida_utm_data'; // sessionStorage: the current visit's touch (as in the seed)
  var KEY_OPEN = 'aida_open'; // sessionStorage: panel open on this tab's pages
  var MARKS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'gclid', 'yclid'];
  var FIRST_TOUCH_DAYS = 180;
  var MAX_MESSAGE = 4000;
  var TIMEOUT_MS = 30000;
  var MAX_AUTO_WAIT_S = 120; // a longer Retry-After is shown with a manual retry instead
  var STEPS = ['tariff', 'extras', 'address', 'contacts', 'schedule', 'confirm', 'done'];

  var TEXTS = {
    buttonText: 'Задать вопрос',
    title: 'Аида',
    subtitle: 'Онлайн-помощник',
    welcomeMessage: 'Здравствуйте! Я Аида. Помогу подобрать тариф и оформить заявку на подключение.',
    inputLabel: 'Сообщение',
    placeholder: 'Напишите сообщение…',
    send: 'Отправить',
    close: 'Закрыть',
    log: 'Переписка',
    suggestions: 'Варианты ответа',
    typing: 'Аида печатает…',
    you: 'Вы',
    assistant: 'Аида',
    sending: 'Отправляется…',
    queued: 'Ждёт отправки',
    notDelivered: 'Не доставлено',
    offline: 'нет связи с сервером',
    retry: 'Повторить',
    wait: 'Слишком много сообщений подряд. Отправим ещё раз через {s} с',
    rejected: 'Сообщение не принято',
    newMessages: 'Новые сообщения',
    historyError: 'Не удалось загрузить прошлую переписку.',
    privacyPolicy: 'Политика обработки персональных данных',
    consentText: 'Согласие на обработку данных',
    manager: 'Менеджер',
    joined: '{name} в чате'
  };
  // The first buttons, before the conversation starts: the ones the engine itself offers.
  var DEFAULT_SUGGESTIONS = ['Тарифы для дома', 'Тарифы для офиса'];

  // ---------------------------------------------------------------- storage (never throws)
  function storage(name) {
    try {
      var s = W[name];
      s.setItem('__aida', '1');
      s.removeItem('__aida');
      return s;
    } catch (e) {
      var mem = {};
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(mem, k) ? mem[k] : null; },
        setItem: function (k, v) { mem[k] = String(v); },
        removeItem: function (k) { delete mem[k]; }
      };
    }
  }
  var LS = storage('localStorage');
  var SS = storage('sessionStorage');
  function readJSON(s, k) {
    try { var v = JSON.parse(s.getItem(k)); return v && typeof v === 'object' ? v : null; } catch (e) { return null; }
  }
  function writeJSON(s, k, v) { try { s.setItem(k, JSON.stringify(v)); } catch (e) { /* full or blocked */ } }

  function randomId(prefix) {
    var a = new Uint8Array(16);
    (W.crypto || W.msCrypto).getRandomValues(a);
    var s = '';
    for (var i = 0; i < a.length; i++) s += (a[i] < 16 ? '0' : '') + a[i].toString(16);
    return prefix + s;
  }
  function validSession(id) { return typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(id); }

  // ---------------------------------------------------------------- attribution
  function cut(v) { v = String(v == null ? '' : v); return v.length > 1000 ? v.slice(0, 1000) : v; }
  function hasMarks(t) {
    if (!t) return false;
    for (var i = 0; i < MARKS.length; i++) if (t[MARKS[i]]) return true;
    return false;
  }
  // Runs on every page load (init). The first touch is kept in localStorage and never
  // overwritten (until it is FIRST_TOUCH_DAYS old); the current one in sessionStorage, replaced
  // only by a URL that carries UTM or a click id, so moving between pages keeps it.
  function captureTouch() {
    var now = Date.now();
    var q;
    try { q = new URLSearchParams(W.location.search); } catch (e) { q = { get: function () { return null; } }; }
    var t = { referrer: cut(D.referrer), landing_page: cut(W.location.href), ts: now };
    for (var i = 0; i < MARKS.length; i++) {
      var v = q.get(MARKS[i]);
      if (v) t[MARKS[i]] = cut(v);
    }
    var current = readJSON(SS, KEY_TOUCH);
    if (hasMarks(t) || !current) { current = t; writeJSON(SS, KEY_TOUCH, t); }
    var first = readJSON(LS, KEY_FIRST);
    if (!first || !first.ts || now - first.ts > FIRST_TOUCH_DAYS * 864e5) writeJSON(LS, KEY_FIRST, t);
  }
  // What goes with a message: this visit's touch when it carries marks, else the first touch,
  // else this visit's referrer and landing page.
  function touchToSend() {
    var cur = readJSON(SS, KEY_TOUCH);
    var first = readJSON(LS, KEY_FIRST);
    var t = hasMarks(cur) ? cur : hasMarks(first) ? first : cur || first || {};
    var out = {};
    var keys = MARKS.concat(['referrer', 'landing_page']);
    for (var i = 0; i < keys.length; i++) if (t[keys[i]]) out[keys[i]] = String(t[keys[i]]);
    return out;
  }

  // ---------------------------------------------------------------- DOM helpers (no innerHTML)
  function el(tag, attrs, kids) {
    var n = D.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null || attrs[k] === false) continue;
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'class') n.className = attrs[k];
      else n.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    }
    if (kids) for (var i = 0; i < kids.length; i++) if (kids[i]) n.appendChild(kids[i]);
    return n;
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function icon(d) {
    var s = D.createElementNS(SVGNS, 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    var p = D.createElementNS(SVGNS, 'path');
    p.setAttribute('d', d);
    s.appendChild(p);
    return s;
  }
  var ICON_CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
  var ICON_CLOSE = 'M6 6l12 12M18 6L6 18';
  var ICON_SEND = 'M3 20l18-8L3 4l2.5 8zM5.5 12H12';
  // Puts text into a bubble, as text nodes only. Numbers with their units ("1 490 ₽/мес",
  // "250 Мбит/с", "+7 999 123-45-67") are kept on one line; the text itself is unchanged.
  var KEEP = /(?:\+7 )?\d+(?: \d{3})*(?:-\d+)*(?: (?:₽|руб\.?|[МмГгКк]бит\/с))?(?:\/мес)?/g;
  // Web addresses in a reply (the consent text's) become links; nothing else is markup.
  var URL_RE = /https?:\/\/[^\s<>"«»]+[^\s<>"«».,;:!?)]/g;
  function link(href, text) {
    return el('a', { href: href, target: '_blank', rel: 'noopener noreferrer', text: text || href });
  }
  // An http(s) address, resolved against `base`; anything else (javascript:, data:) is null.
  function safeUrl(u, base) {
    try { u = new URL(String(u), base); } catch (e) { return null; }
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  }
  function fill(node, text) {
    text = String(text);
    while (node.firstChild) node.removeChild(node.firstChild);
    var last = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      keep(node, text.slice(last, m.index));
      node.appendChild(link(m[0]));
      last = m.index + m[0].length;
    }
    keep(node, text.slice(last));
    return node;
  }
  function keep(node, text) {
    var last = 0, m;
    KEEP.lastIndex = 0;
    while ((m = KEEP.exec(text))) {
      if (!/[ /]/.test(m[0])) continue;
      if (m.index > last) node.appendChild(D.createTextNode(text.slice(last, m.index)));
      node.appendChild(el('span', { class: 'nw', text: m[0] }));
      last = m.index + m[0].length;
    }
    if (last < text.length) node.appendChild(D.createTextNode(text.slice(last)));
  }
  function fmt(s, vars) { return String(s).replace(/\{(\w+)\}/g, function (m, k) { return vars[k] != null ? vars[k] : m; }); }
  function emit(name, detail) {
    try { W.dispatchEvent(new CustomEvent('aida:' + name, { detail: detail })); } catch (e) { /* old browser */ }
  }

  // ---------------------------------------------------------------- styles
  var CSS = [
    ':host{all:initial!important;display:block!important;position:static!important;visibility:visible!important;opacity:1!important;',
    'pointer-events:auto!important;contain:none!important;transform:none!important;filter:none!important;z-index:2147483000!important}',
    ':host([data-mode=page]){position:fixed!important;top:0!important;left:0!important;right:0!important;bottom:0!important}',
    '*,*::before,*::after{box-sizing:border-box}',
    '[hidden]{display:none!important}',
    '.w{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;color:#1c2430;',
    'text-align:left;direction:ltr;letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;white-space:normal;',
    '-webkit-font-smoothing:antialiased;-webkit-text-size-adjust:100%;text-size-adjust:100%;color-scheme:light}',
    'button,textarea{font:inherit;color:inherit;margin:0;text-transform:none;letter-spacing:normal}',
    'button{cursor:pointer;-webkit-tap-highlight-color:transparent}',
    ':focus-visible{outline:3px solid var(--aida-ring);outline-offset:2px}',
    '.sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    'svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round;flex:none}',
    /* launcher */
    '.launch,.panel{z-index:2147483000}',
    '.launch{position:fixed;bottom:20px;right:20px;display:flex;align-items:center;gap:8px;min-height:52px;max-width:calc(100vw - 40px);',
    'padding:0 20px 0 16px;border:0;border-radius:26px;background:var(--aida-p);color:var(--aida-on);font-size:16px;font-weight:600;line-height:1.2;',
    'box-shadow:0 6px 20px rgba(16,24,40,.25);transition:transform .15s ease,box-shadow .15s ease}',
    '.left .launch{right:auto;left:20px}',
    '.launch span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
    /* panel */
    '.panel{position:fixed;bottom:86px;right:20px;width:380px;max-width:calc(100vw - 40px);height:640px;max-height:calc(100vh - 110px);',
    'max-height:calc(100dvh - 110px);display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;',
    'box-shadow:0 16px 48px rgba(16,24,40,.28),0 0 0 1px rgba(16,24,40,.06);animation:aida-in .16s ease-out}',
    '.left .panel{right:auto;left:20px}',
    '@keyframes aida-in{from{opacity:0;transform:translateY(8px) scale(.98)}to{opacity:1;transform:none}}',
    '.panel:focus{outline:none}',
    '.head{display:flex;align-items:center;gap:12px;padding:12px 8px 12px 16px;background:var(--aida-p);color:var(--aida-on);flex:none}',
    '.ava{width:36px;height:36px;border-radius:50%;display:flex;align-items:center;justify-content:center;flex:none;',
    'background:rgba(255,255,255,.22);font-weight:700;font-size:17px}',
    '.ttl{flex:1;min-width:0}',
    '.ttl h2{margin:0;font-size:16px;font-weight:700;line-height:1.25}',
    '.ttl p{margin:0;font-size:13px;opacity:.9;line-height:1.3}',
    '.x{width:44px;height:44px;border:0;border-radius:10px;background:transparent;color:inherit;display:flex;align-items:center;justify-content:center}',
    '.x:focus-visible{outline-color:currentColor;outline-offset:-4px}',
    '.body{position:relative;flex:1;min-height:0;display:flex;flex-direction:column}',
    '.scroll{position:relative;flex:1;min-height:0;overflow-y:auto;overscroll-behavior:contain;padding:16px 14px 8px;background:#f7f8fa}',
    '.log{display:flex;flex-direction:column;gap:8px;outline-offset:-3px}',
    '.msg{max-width:88%;display:flex;flex-direction:column;gap:3px}',
    '.msg.a{align-self:flex-start}',
    '.who{font-size:12px;opacity:.75}',
    '.msg.u{align-self:flex-end;align-items:flex-end}',
    '.b{padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:normal}',
    '.nw{white-space:nowrap}',
    '.a .b{background:#fff;border:1px solid #e3e7ee;border-bottom-left-radius:5px}',
    '.u .b{background:var(--aida-p);color:var(--aida-on);border-bottom-right-radius:5px}',
    '.u.bad .b{opacity:.75}',
    '.st{font-size:12.5px;color:#5b6575;display:flex;align-items:center;gap:6px;flex-wrap:wrap;justify-content:flex-end;text-align:right}',
    '.bad .st{color:#b42318;font-weight:600}',
    '.rt{border:1px solid currentColor;background:#fff;color:#b42318;border-radius:12px;padding:3px 12px;font-size:13px;font-weight:600;min-height:28px}',
    '.typing{align-self:flex-start;display:flex;gap:5px;padding:13px 14px;margin-top:8px;background:#fff;border:1px solid #e3e7ee;',
    'border-radius:16px;border-bottom-left-radius:5px;width:max-content}',
    '.typing i{width:7px;height:7px;border-radius:50%;background:#8a94a6;animation:aida-dot 1.2s infinite ease-in-out}',
    '.typing i:nth-child(2){animation-delay:.15s}.typing i:nth-child(3){animation-delay:.3s}',
    '@keyframes aida-dot{0%,60%,100%{opacity:.35;transform:none}30%{opacity:1;transform:translateY(-3px)}}',
    '.draft{display:flex;flex-direction:column;margin-top:8px}',
    '.pill{position:absolute;left:50%;bottom:10px;transform:translateX(-50%);border:0;border-radius:16px;padding:6px 14px;',
    'background:#1c2430;color:#fff;font-size:13px;box-shadow:0 4px 12px rgba(16,24,40,.25)}',
    '.sugg{display:flex;flex-wrap:wrap;gap:8px;padding:10px 14px 4px;background:#f7f8fa;max-height:40%;overflow-y:auto;flex:none}',
    '.sugg button{border:1.5px solid var(--aida-p);background:#fff;color:#1c2430;border-radius:18px;padding:7px 14px;min-height:36px;',
    'font-size:14px;line-height:1.25;text-align:left}',
    '.note{margin:8px 0 0;font-size:13px;color:#5b6575;text-align:center}',
    '.b a{color:inherit;text-decoration:underline;overflow-wrap:anywhere}',
    '.pn{margin:0;padding:0 12px 10px;font-size:12px;line-height:1.4;color:#5b6575;background:#fff;flex:none}',
    '.pn a{color:inherit;text-decoration:underline}',
    '.comp{display:flex;align-items:flex-end;gap:8px;padding:10px 12px 12px;border-top:1px solid #e3e7ee;background:#fff;flex:none}',
    '.comp textarea{flex:1;min-width:0;resize:none;border:1px solid #c9d1dd;border-radius:12px;padding:11px 12px;font-size:16px;',
    'line-height:1.35;height:46px;max-height:140px;background:#fff;color:#1c2430;overflow-y:auto;display:block}',
    '.comp textarea::placeholder{color:#6b7585;opacity:1}',
    '.comp textarea:focus{border-color:var(--aida-p);outline:2px solid var(--aida-ring);outline-offset:0}',
    '.send{width:46px;height:46px;border:0;border-radius:50%;background:var(--aida-p);color:var(--aida-on);display:flex;align-items:center;',
    'justify-content:center;flex:none}',
    '.send svg{width:22px;height:22px}',
    /* full-page assistant */
    '.page .panel{position:static;width:100%;max-width:none;height:100%;max-height:none;border-radius:0;box-shadow:none;animation:none;',
    'padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left)}',
    '.page{height:100%}',
    '.page .head{padding:14px max(16px,calc((100% - 820px)/2))}',
    '.page .scroll,.page .sugg{padding-left:max(14px,calc((100% - 820px)/2));padding-right:max(14px,calc((100% - 820px)/2))}',
    '.page .comp,.page .pn{padding-left:max(12px,calc((100% - 820px)/2));padding-right:max(12px,calc((100% - 820px)/2))}',
    '.page .msg{max-width:min(86%,640px)}',
    '.page .ttl h1{margin:0;font-size:18px;font-weight:700;line-height:1.25}',
    /* phones: the open panel fills the screen, the input stays above the keyboard */
    '@media (max-width:479.98px){',
    '.panel{top:0;left:0;right:0;bottom:auto;width:100%;max-width:none;height:100vh;height:100dvh;max-height:none;border-radius:0;',
    'padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left)}',
    '.left .panel{left:0}',
    '.open .launch{display:none}',
    '.launch{bottom:max(16px,env(safe-area-inset-bottom));right:16px}.left .launch{left:16px}',
    '.sugg button{min-height:44px}',
    '}',
    /* hover only where there is a pointer that hovers: on touch screens it would stick */
    '@media (hover:hover){.launch:hover{transform:translateY(-1px);box-shadow:0 10px 26px rgba(16,24,40,.3)}',
    '.sugg button:hover{background:var(--aida-p);color:var(--aida-on)}.x:hover{background:rgba(255,255,255,.16)}}',
    '@media (prefers-reduced-motion:reduce){.panel,.launch,.typing i{animation:none!important;transition:none!important}}',
    '@media (forced-colors:active){.b,.sugg button,.launch,.send,.panel{border:1px solid CanvasText}}'
  ].join('\n');

  function applyStyles(root, nonce) {
    var sheetOk = false;
    try {
      if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && CSSStyleSheet.prototype.replaceSync) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        sheetOk = true;
      }
    } catch (e) { sheetOk = false; }
    if (!sheetOk) {
      var st = D.createElement('style');
      if (nonce) st.setAttribute('nonce', nonce);
      st.textContent = CSS;
      root.appendChild(st);
    }
  }

  // A readable text colour and focus ring for any CSS colour the host gives.
  function colours(probe, primary) {
    var fallback = '#0a58ca';
    probe.style.color = '';
    probe.style.color = primary || fallback;
    if (!probe.style.color) probe.style.color = fallback;
    var c = W.getComputedStyle(probe).color;
    var m = c && c.match(/[\d.]+/g);
    var lum = 0;
    if (m && m.length >= 3) {
      var ch = [0, 1, 2].map(function (i) {
        var v = Number(m[i]) / 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
      });
      lum = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
    }
    var whiteContrast = 1.05 / (lum + 0.05);
    var darkContrast = (lum + 0.05) / 0.0595;
    var onLight = whiteContrast >= darkContrast;
    return { p: probe.style.color, on: onLight ? '#ffffff' : '#111827', ring: onLight ? probe.style.color : '#1c2430' };
  }

  // ---------------------------------------------------------------- the widget
  function Widget(opts) {
    this.o = opts;
    this.t = {};
    var k;
    for (k in TEXTS) this.t[k] = TEXTS[k];
    if (opts.texts && typeof opts.texts === 'object') for (k in opts.texts) if (typeof opts.texts[k] === 'string') this.t[k] = opts.texts[k];
    if (opts.buttonText) this.t.buttonText = String(opts.buttonText);
    if (opts.welcomeMessage != null) this.t.welcomeMessage = String(opts.welcomeMessage);
    if (opts.title) this.t.title = String(opts.title);
    if (opts.subtitle != null) this.t.subtitle = String(opts.subtitle);
    this.page = opts.mode === 'page';
    this.api = String(opts.apiUrl || defaultApiUrl()).replace(/\/+$/, '');
    this.stream = opts.stream !== false && typeof W.ReadableStream === 'function' && typeof W.TextDecoder === 'function';
    this.queue = []; // user messages not yet answered, sent one at a time in order
    this.busy = false;
    this.ready = false; // history loaded (or failed): sending waits for it to keep the order
    this.isOpen = false;
    this.stick = true; // the conversation is scrolled to its end: keep it there
    this.follow = false; // the customer sent a message: show the answer when it comes
    this.autoAt = 0;
    this.step = null;
    this.timers = [];
    this.ctrl = null;
    this.off = [];
    this.session = LS.getItem(KEY_SESSION);
    if (!validSession(this.session)) this.session = null;
    this.build();
  }

  var P = Widget.prototype;

  P.on = function (target, ev, fn, opt) {
    target.addEventListener(ev, fn, opt);
    this.off.push(function () { target.removeEventListener(ev, fn, opt); });
  };

  P.build = function () {
    var self = this, t = this.t, o = this.o;
    var host = this.host = D.createElement('aida-widget');
    host.setAttribute('data-mode', this.page ? 'page' : 'widget');
    var root = this.root = host.attachShadow({ mode: 'open' });
    applyStyles(root, o.nonce || (SCRIPT && SCRIPT.nonce) || '');

    var left = o.position === 'bottom-left';
    if (o.position && o.position !== 'bottom-left' && o.position !== 'bottom-right' && W.console) {
      W.console.warn('AidaWidget: position must be "bottom-right" or "bottom-left"; using bottom-right');
    }
    var wrap = this.wrap = el('div', { class: 'w' + (left ? ' left' : '') + (this.page ? ' page' : '') });
    root.appendChild(wrap);

    var uid = randomId('aida-').slice(0, 14);
    this.title = el(this.page ? 'h1' : 'h2', { id: uid + '-t', text: t.title });
    var head = el('div', { class: 'head' }, [
      el('div', { class: 'ava', 'aria-hidden': 'true', text: (t.title || 'А').charAt(0) }),
      el('div', { class: 'ttl' }, [this.title, t.subtitle ? el('p', { text: t.subtitle }) : null])
    ]);
    if (!this.page) {
      this.closeBtn = el('button', { type: 'button', class: 'x', 'aria-label': t.close, title: t.close }, [icon(ICON_CLOSE)]);
      head.appendChild(this.closeBtn);
    }

    this.log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.log, tabindex: '0' });
    // Replies being streamed and the typing dots live outside the log, so a screen reader
    // hears each reply once, when it is complete.
    this.draft = el('div', { class: 'draft', 'aria-hidden': 'true' });
    this.typing = el('div', { class: 'typing', 'aria-hidden': 'true', title: t.typing, hidden: true }, [el('i'), el('i'), el('i')]);
    this.scroll = el('div', { class: 'scroll' }, [this.log, this.draft, this.typing]);
    this.pill = el('button', { type: 'button', class: 'pill', hidden: true, text: t.newMessages + ' ↓' });
    this.sugg = el('div', { class: 'sugg', role: 'group', 'aria-label': t.suggestions, hidden: true });

    this.input = el('textarea', {
      id: uid + '-i', rows: '1', maxlength: String(MAX_MESSAGE), placeholder: t.placeholder,
      autocomplete: 'off', enterkeyhint: 'send', 'aria-describedby': uid + '-n'
    });
    // The personal-data notice, under the input before the first message (GET /chat/privacy).
    this.notice = el('p', { class: 'pn', id: uid + '-n', hidden: true });
    this.sendBtn = el('button', { type: 'submit', class: 'send', 'aria-label': t.send, title: t.send }, [icon(ICON_SEND)]);
    this.form = el('form', { class: 'comp', novalidate: true }, [
      el('label', { class: 'sr', for: uid + '-i', text: t.inputLabel }), this.input, this.sendBtn
    ]);

    var panelAttrs = this.page
      ? { class: 'panel', id: uid + '-p', role: 'region', 'aria-labelledby': uid + '-t', tabindex: '-1' }
      : { class: 'panel', id: uid + '-p', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': uid + '-t', tabindex: '-1', hidden: true };
    this.panel = el('div', panelAttrs, [head, el('div', { class: 'body' }, [this.scroll, this.pill]), this.sugg, this.form, this.notice]);
    wrap.appendChild(this.panel);

    if (!this.page) {
      this.launcher = el('button', {
        type: 'button', class: 'launch', 'aria-expanded': 'false', 'aria-controls': uid + '-p', 'aria-haspopup': 'dialog'
      }, [icon(ICON_CHAT), el('span', { text: t.buttonText })]);
      wrap.appendChild(this.launcher);
      this.on(this.launcher, 'click', function () { if (self.isOpen) self.close(true); else self.open(true); });
      this.on(this.closeBtn, 'click', function () { self.close(true); });
      this.on(root, 'keydown', function (e) {
        if ((e.key === 'Escape' || e.key === 'Esc') && self.isOpen && !e.defaultPrevented) {
          e.preventDefault();
          e.stopPropagation();
          self.close(true);
        }
      });
    }

    var probe = el('span', { hidden: true });
    wrap.appendChild(probe);
    this.applyColours = function () {
      var c = colours(probe, o.primaryColor);
      // Custom properties inherit into the shadow tree: namespaced and !important, so the
      // host page's own variables cannot recolour the widget.
      host.style.setProperty('--aida-p', c.p, 'important');
      host.style.setProperty('--aida-on', c.on, 'important');
      host.style.setProperty('--aida-ring', c.ring, 'important');
    };

    this.on(this.form, 'submit', function (e) { e.preventDefault(); self.submit(); });
    this.on(this.input, 'keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        self.submit();
      }
    });
    this.on(this.input, 'input', function () { self.grow(); });
    this.on(this.scroll, 'scroll', function () {
      var bottom = self.atBottom();
      if (bottom) self.pill.hidden = true;
      // Only the customer's own scrolling changes what we follow, not ours.
      if (Date.now() - self.autoAt > 250) {
        self.stick = bottom;
        if (!bottom) self.follow = false;
      }
    }, { passive: true });
    this.on(this.pill, 'click', function () { self.toBottom(); });
    if (W.ResizeObserver) {
      // The suggestions bar, the input growing, the keyboard: keep the end in view.
      var ro = new ResizeObserver(function () { if (self.stick) self.toBottom(); });
      ro.observe(this.scroll);
      ro.observe(this.log);
      this.off.push(function () { ro.disconnect(); });
    }
    this.on(W, 'online', function () {
      var m = self.queue[0];
      if (m && m.state === 'failed' && m.network) self.retry(m);
    });
    var vv = W.visualViewport;
    if (vv) {
      var fit = function () { self.fit(); };
      this.on(vv, 'resize', fit);
      this.on(vv, 'scroll', fit);
    }
    this.small = W.matchMedia ? W.matchMedia('(max-width: 479.98px)') : null;

    // The welcome message comes first, then the conversation so far.
    this.addMessage('assistant', this.t.welcomeMessage);
    this.welcomeSuggestions = Array.isArray(o.suggestions) ? o.suggestions.map(String) : DEFAULT_SUGGESTIONS;
  };

  P.mount = function () {
    var self = this;
    // The widget goes on <html>, after <body>: a transform or filter on the host's <body>
    // would otherwise anchor its position:fixed boxes to the body instead of the screen.
    var parent = this.o.container;
    if (typeof parent === 'string') parent = D.querySelector(parent);
    if (!parent || !parent.appendChild) parent = this.page ? D.body || D.documentElement : D.documentElement;
    this.parent = parent;
    parent.appendChild(this.host);
    this.applyColours();
    // Single-page sites that re-render their markup could drop the widget: put it back.
    if (W.MutationObserver) {
      var mo = new MutationObserver(function () {
        if (!self.host.isConnected) (self.parent.isConnected ? self.parent : D.documentElement).appendChild(self.host);
      });
      mo.observe(D.documentElement, { childList: true, subtree: parent !== D.documentElement });
      this.off.push(function () { mo.disconnect(); });
    }
    if (this.page || SS.getItem(KEY_OPEN) === '1') this.open(false);
  };

  // ---------------------------------------------------------------- open / close
  P.open = function (focus) {
    // The conversation so far is fetched when it is first shown, not on every page view.
    if (!this.asked) { this.asked = true; this.loadPrivacy(); this.loadHistory(); }
    if (this.page) { this.isOpen = true; return; }
    var was = this.isOpen;
    this.isOpen = true;
    this.panel.hidden = false;
    this.wrap.classList.add('open');
    this.launcher.setAttribute('aria-expanded', 'true');
    SS.setItem(KEY_OPEN, '1');
    this.fit();
    this.toBottom();
    if (focus) this.keepFocus();
    if (!was) emit('open', {});
  };

  P.close = function (focusLauncher) {
    if (this.page || !this.isOpen) return;
    var hadFocus = this.root.activeElement && this.root.activeElement !== this.launcher;
    this.isOpen = false;
    this.panel.hidden = true;
    this.wrap.classList.remove('open');
    this.launcher.setAttribute('aria-expanded', 'false');
    SS.setItem(KEY_OPEN, '0');
    this.fit();
    if (focusLauncher || hadFocus) this.launcher.focus();
    emit('close', {});
  };

  // Focus into the chat: the input, or on touch screens the panel itself, so the on-screen
  // keyboard does not pop up and cover the conversation.
  P.keepFocus = function () {
    if (this.isSmall() || (W.matchMedia && W.matchMedia('(pointer: coarse)').matches)) this.panel.focus({ preventScroll: true });
    else this.input.focus({ preventScroll: true });
  };

  P.isSmall = function () { return !!(this.small && this.small.matches); };

  // Keep the full-screen panel inside the visual viewport, so the on-screen keyboard never
  // covers the input (100dvh does not shrink for the keyboard in every browser).
  P.fit = function () {
    var s = this.panel.style;
    var vv = W.visualViewport;
    if (!this.page && this.isOpen && this.isSmall() && vv) {
      s.height = vv.height + 'px';
      s.top = vv.offsetTop + 'px';
      if (this.stick) this.toBottom();
    } else {
      s.height = '';
      s.top = '';
    }
  };

  // ---------------------------------------------------------------- rendering
  P.atBottom = function () {
    var s = this.scroll;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 48;
  };
  P.scrollTo = function (top) {
    this.autoAt = Date.now();
    this.scroll.scrollTop = top;
  };
  P.toBottom = function () {
    this.scrollTo(this.scroll.scrollHeight);
    this.stick = true;
    this.pill.hidden = true;
  };
  // Shows a new reply: all of it when it fits, else from its first line (a long list must
  // not scroll its beginning away).
  P.reveal = function (node) {
    var s = this.scroll;
    if (node.offsetHeight > s.clientHeight - 24) {
      this.scrollTo(Math.max(0, node.offsetTop - 12));
      this.stick = false;
      this.pill.hidden = true;
    } else {
      this.toBottom();
    }
  };
  P.grow = function () {
    var s = this.input.style;
    s.height = 'auto';
    s.height = Math.min(Math.max(this.input.scrollHeight + 2, 46), 140) + 'px';
  };

  // live: a reply that has just come (not restored history). name: a manager's (role operator).
  P.addMessage = function (role, text, m, live, name) {
    var user = role === 'user';
    var who = role === 'operator' ? String(name || this.t.manager) : null;
    var node = el('div', { class: 'msg ' + (user ? 'u' : who ? 'a o' : 'a') }, [
      el('span', { class: who ? 'who' : 'sr', text: who || (user ? this.t.you : this.t.assistant) + ':' }),
      user || who ? el('div', { class: 'b', text: String(text) }) : fill(el('div', { class: 'b' }), text)
    ]);
    this.log.appendChild(node);
    if (m) m.el = node;
    if (user) { this.follow = true; this.toBottom(); }
    else if (live && (this.follow || this.stick)) this.reveal(node);
    else if (live && this.isOpen) this.pill.hidden = false;
    else if (this.stick) this.toBottom();
    if (live) this.follow = false;
    return node;
  };

  P.setSuggestions = function (list) {
    var self = this;
    var box = this.sugg;
    while (box.firstChild) box.removeChild(box.firstChild);
    list = (list || []).filter(function (s) { return typeof s === 'string' && s.trim(); });
    box.hidden = !list.length;
    if (this.stick) this.toBottom();
    list.forEach(function (s) {
      var b = el('button', { type: 'button', text: s });
      b.addEventListener('click', function () {
        if (box.hidden) return; // a second click while the first is on its way
        self.send(s);
        self.keepFocus(); // the button is gone: focus must not fall out of the chat
      });
      box.appendChild(b);
    });
    if (this.stick) this.toBottom();
  };

  P.showTyping = function (on) {
    this.typing.hidden = !on;
    this.log.setAttribute('aria-busy', on ? 'true' : 'false');
    if (on && (this.follow || this.stick)) this.toBottom();
  };

  P.setStatus = function (m, state, info) {
    m.state = state;
    var node = m.el;
    if (!node) return;
    if (m.statusEl) { node.removeChild(m.statusEl); m.statusEl = null; }
    node.classList.toggle('bad', state === 'failed' || state === 'wait');
    var self = this, t = this.t, kids = [];
    if (state === 'sending' || state === 'queued') {
      kids.push(el('span', { text: state === 'sending' ? t.sending : t.queued }));
    } else if (state === 'wait') {
      kids.push(el('span', { text: fmt(t.wait, { s: info }) }));
    } else if (state === 'failed') {
      kids.push(el('span', { text: t.notDelivered + (info ? ': ' + info : '') }));
      if (m.canRetry) {
        var rb = el('button', { type: 'button', class: 'rt', text: t.retry });
        rb.addEventListener('click', function () { self.retry(m); self.keepFocus(); });
        kids.push(rb);
      }
    }
    if (!kids.length) return;
    m.statusEl = el('div', { class: 'st' }, kids);
    if (state === 'sending') {
      // "Отправляется…" only when it takes a moment, so a quick answer does not flicker.
      m.statusEl.hidden = true;
      var se = m.statusEl;
      this.later(function () { se.hidden = false; }, 900);
    }
    node.appendChild(m.statusEl);
    if (state === 'failed' && this.stick) this.toBottom();
  };

  P.later = function (fn, ms) {
    var self = this;
    var id = setTimeout(function () {
      self.timers = self.timers.filter(function (x) { return x !== id; });
      fn();
    }, ms);
    this.timers.push(id);
    return id;
  };

  // ---------------------------------------------------------------- personal data
  P.loadPrivacy = function () {
    var self = this;
    this.showNotice({});
    request(this.api + '/chat/privacy', { method: 'GET', headers: { Accept: 'application/json' } }, TIMEOUT_MS)
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (d) { if (!self.dead) self.showNotice(d && typeof d === 'object' ? d : {}); },
        function () { /* the links from the options stay */ });
  };

  // The notice text and its links: the policy (option privacyUrl, else AIDA_PRIVACY_URL)
  // and the consent text.
  P.showNotice = function (d) {
    var n = this.notice, t = this.t, base = this.api + '/';
    var given = this.o.privacyUrl || d.policy_url;
    var policy = given ? safeUrl(given, W.location.href) : null;
    var consent = d.consent_url ? safeUrl(d.consent_url, base) : null;
    while (n.firstChild) n.removeChild(n.firstChild);
    if (typeof d.notice === 'string' && d.notice) n.appendChild(D.createTextNode(d.notice + ' '));
    if (policy) n.appendChild(link(policy, t.privacyPolicy));
    if (policy && consent) n.appendChild(D.createTextNode(' · '));
    if (consent) n.appendChild(link(consent, t.consentText));
    n.hidden = !n.firstChild;
  };

  // ---------------------------------------------------------------- history
  P.loadHistory = function () {
    var self = this;
    if (!this.session) { this.ready = true; this.setSuggestions(this.welcomeSuggestions); return; }
    this.log.setAttribute('aria-busy', 'true');
    var url = this.api + '/chat/history?session_id=' + encodeURIComponent(this.session);
    request(url, { method: 'GET', headers: { Accept: 'application/json' } }, TIMEOUT_MS)
      .then(function (r) {
        if (!r.ok) return httpError(r);
        return r.json();
      })
      .then(function (data) {
        if (self.dead) return;
        var msgs = (data && Array.isArray(data.messages)) ? data.messages : [];
        var last = null;
        msgs.forEach(function (x) {
          if (!x || typeof x.text !== 'string') return;
          var role = x.role === 'user' || x.role === 'operator' ? x.role : 'assistant';
          self.addMessage(role, x.text, null, false, x.name);
          last = { role: role, suggestions: x.suggestions };
        });
        if (data && data.event_id) self.cursor = data.event_id; // events after it are new
        if (data && data.handoff === 'operator') self.listen();
        if (data && typeof data.step === 'string') self.step = data.step;
        if (!msgs.length) self.setSuggestions(self.welcomeSuggestions);
        else self.setSuggestions(last && last.role === 'assistant' && Array.isArray(last.suggestions) ? last.suggestions : []);
        self.toBottom();
      })
      .catch(function () {
        if (self.dead) return;
        self.scroll.insertBefore(el('p', { class: 'note', text: self.t.historyError }), self.draft);
      })
      .then(function () {
        if (self.dead) return;
        self.ready = true;
        self.log.setAttribute('aria-busy', 'false');
        self.pump();
      });
  };

  // ---------------------------------------------------------------- sending
  P.submit = function () {
    var text = this.input.value;
    if (!text.trim()) { this.input.focus(); return; }
    this.input.value = '';
    this.grow();
    this.send(text);
  };

  P.send = function (text) {
    text = String(text).replace(/^\s+|\s+$/g, '');
    if (!text) return;
    if (text.length > MAX_MESSAGE) text = text.slice(0, MAX_MESSAGE);
    if (!this.session) {
      this.session = randomId('aida-');
      LS.setItem(KEY_SESSION, this.session);
    }
    this.setSuggestions([]);
    var m = { id: randomId('m-'), text: text, state: 'queued', canRetry: true };
    this.addMessage('user', text, m);
    this.queue.push(m);
    this.setStatus(m, this.busy || this.queue.length > 1 || !this.ready ? 'queued' : 'sending');
    emit('message', { role: 'user', text: text });
    this.pump();
  };

  P.retry = function (m) {
    if (this.queue[0] !== m || this.busy) return;
    this.follow = true;
    this.setStatus(m, 'queued');
    this.pump();
  };

  P.pump = function () {
    var self = this;
    if (this.busy || !this.ready || this.dead) return;
    var m = this.queue[0];
    if (!m || m.state === 'failed' || m.state === 'wait') return;
    this.busy = true;
    this.setStatus(m, 'sending');
    this.showTyping(true);
    var started = Date.now();
    this.deliver(m).then(function (res) {
      if (self.dead) return;
      // A short pause for the typing dots, so an instant answer does not look like a glitch.
      var wait = Math.max(0, 350 - (Date.now() - started));
      self.later(function () {
        self.busy = false;
        self.queue.shift();
        self.setStatus(m, 'sent');
        self.clearDraft();
        self.showTyping(false);
        var shown = self.follow || self.stick;
        // While a manager owns the chat the assistant is silent: no bubble for an empty reply.
        var node = res.reply ? self.addMessage('assistant', res.reply, null, true) : null;
        if (res.handoff === 'operator') self.listen();
        self.step = res.step || self.step;
        self.setSuggestions(self.queue.length ? [] : res.suggestions);
        if (shown && node) self.reveal(node); // again, now that the suggestions take their room
        emit('message', { role: 'assistant', text: res.reply, suggestions: res.suggestions, step: res.step });
        if (res.step === 'done') emit('done', { session_id: self.session });
        self.queue.forEach(function (q) { if (q.state === 'queued') self.setStatus(q, 'queued'); });
        self.pump();
      }, res.streamed ? 0 : wait);
    }, function (err) {
      if (self.dead) return;
      self.busy = false;
      self.clearDraft();
      self.showTyping(false);
      if (err.status === 429 && err.retryAfter <= MAX_AUTO_WAIT_S) {
        self.waitAndRetry(m, err.retryAfter);
        return;
      }
      m.network = !err.status;
      m.canRetry = !err.status || err.status >= 500 || err.status === 429 || err.status === 408;
      var why = !err.status ? self.t.offline : (m.canRetry ? '' : (err.message || self.t.rejected));
      self.setStatus(m, 'failed', why);
    });
  };

  P.waitAndRetry = function (m, seconds) {
    var self = this;
    var left = Math.max(1, Math.ceil(seconds));
    var tick = function () {
      if (self.dead || self.queue[0] !== m) return;
      if (left <= 0) { self.setStatus(m, 'queued'); self.pump(); return; }
      self.setStatus(m, 'wait', left);
      left -= 1;
      self.later(tick, 1000);
    };
    tick();
  };

  P.clearDraft = function () {
    while (this.draft.firstChild) this.draft.removeChild(this.draft.firstChild);
  };

  P.body = function (m) {
    var b = { session_id: this.session, message: m.text, message_id: m.id };
    var touch = touchToSend();
    for (var k in touch) b[k] = touch[k];
    return JSON.stringify(b);
  };

  // One message to the server: /chat/stream when it works (the reply grows as it is worded),
  // else /chat. A broken stream is finished with /chat and the same message_id, which the
  // server answers from its record instead of doing the turn twice.
  P.deliver = function (m) {
    var self = this;
    var plain = function () {
      return self.post('/chat', m).then(function (data) {
        return {
          reply: typeof data.reply === 'string' ? data.reply : '',
          suggestions: Array.isArray(data.suggestions) ? data.suggestions : [],
          step: typeof data.step === 'string' ? data.step : null,
          handoff: data.handoff
        };
      });
    };
    if (!this.stream) return plain();
    return this.streamed(m).catch(function (err) {
      if (err.fallback) { self.stream = false; return plain(); }
      if (err.status) throw err; // an HTTP error: report it (429 waits)
      // The connection broke (or the stream is blocked, e.g. by a proxy or CORS): ask /chat
      // with the same message_id. If /chat works where the stream did not, stop streaming.
      return plain().then(function (res) {
        if (!err.partial) self.stream = false;
        return res;
      });
    });
  };

  P.post = function (path, m, accept) {
    var self = this;
    var ctrl = this.ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    return request(this.api + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: accept || 'application/json' },
      body: this.body(m),
      signal: ctrl ? ctrl.signal : undefined
    }, TIMEOUT_MS, ctrl).then(function (r) {
      if (self.dead) throw { status: 0 };
      if (!r.ok) return httpError(r);
      return accept ? r : r.json();
    });
  };

  P.streamed = function (m) {
    var self = this;
    return this.post('/chat/stream', m, 'text/event-stream').then(function (r) {
      var type = r.headers.get('Content-Type') || '';
      if (type.indexOf('text/event-stream') < 0 || !r.body) throw { fallback: true };
      var reader = r.body.getReader();
      var dec = new TextDecoder();
      var buf = '', reply = '', suggestions = null, done = null, bubble = null;
      var ctrl = self.ctrl;
      var idle = null;
      function arm() {
        clearTimeout(idle);
        idle = setTimeout(function () { if (ctrl) ctrl.abort(); }, TIMEOUT_MS);
      }
      function handle(ev, data) {
        var d = data;
        try { d = JSON.parse(data); } catch (e) { /* plain text */ }
        if (ev === 'delta') {
          var piece = typeof d === 'string' ? d : d && (d.text != null ? d.text : d.delta != null ? d.delta : d.content);
          if (typeof piece !== 'string') return;
          reply += piece;
          if (!bubble) {
            self.setStatus(m, 'sent'); // it has arrived: the answer is coming
            self.showTyping(false);
            self.typing.hidden = true;
            bubble = el('div', { class: 'b' });
            self.draft.appendChild(el('div', { class: 'msg a' }, [bubble]));
          }
          fill(bubble, reply);
          self.log.setAttribute('aria-busy', 'true');
          if (self.follow || self.stick) self.reveal(bubble.parentNode);
        } else if (ev === 'suggestions') {
          var list = Array.isArray(d) ? d : d && Array.isArray(d.suggestions) ? d.suggestions : [];
          suggestions = list.filter(function (s) { return typeof s === 'string'; });
        } else if (ev === 'done') {
          done = d && typeof d === 'object' ? d : {};
        } else if (ev === 'error') {
          var e = d && d.error ? d.error : d;
          throw { status: 500, code: e && e.code, message: e && e.message, partial: true };
        }
      }
      function parse() {
        var parts = buf.split(/\r\n\r\n|\n\n|\r\r/);
        buf = parts.pop();
        parts.forEach(function (block) {
          var ev = 'message', data = [];
          block.split(/\r\n|\n|\r/).forEach(function (line) {
            if (!line || line.charAt(0) === ':') return;
            var i = line.indexOf(':');
            var field = i < 0 ? line : line.slice(0, i);
            var value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'event') ev = value;
            else if (field === 'data') data.push(value);
          });
          if (data.length || ev !== 'message') handle(ev, data.join('\n'));
        });
      }
      function pumpStream() {
        arm();
        return reader.read().then(function (chunk) {
          if (self.dead) throw { status: 0 };
          if (chunk.done) {
            clearTimeout(idle);
            buf += dec.decode();
            if (buf.trim()) { buf += '\n\n'; parse(); }
            if (!done) throw { status: 0, partial: true };
            return {
              reply: typeof done.reply === 'string' && !reply ? done.reply : reply,
              suggestions: suggestions || (Array.isArray(done.suggestions) ? done.suggestions : []),
              step: typeof done.step === 'string' ? done.step : null,
              handoff: done.handoff,
              streamed: true
            };
          }
          buf += dec.decode(chunk.value, { stream: true });
          parse();
          return pumpStream();
        }, function (e) { clearTimeout(idle); throw { status: 0, partial: true, cause: e }; });
      }
      return pumpStream();
    }, function (err) {
      // The stream endpoint is missing or does not take this request: use /chat from now on.
      if (err && (err.status === 404 || err.status === 405 || err.status === 501 || err.status === 415)) throw { fallback: true };
      throw err;
    });
  };

  // ---------------------------------------------------------------- a manager in the chat
  // The manager's messages come as Server-Sent Events; the browser reconnects by itself with
  // Last-Event-ID, so nothing is shown twice or lost; a first connection starts after the
  // history's last event (`cursor`).
  P.listen = function () {
    var self = this;
    if (this.events || typeof W.EventSource !== 'function' || !this.session) return;
    var url = this.api + '/chat/events?session_id=' + encodeURIComponent(this.session) +
      (this.cursor ? '&after=' + encodeURIComponent(this.cursor) : '');
    var es = this.events = new W.EventSource(url);
    var data = function (e) { try { return JSON.parse(e.data) || {}; } catch (x) { return {}; } };
    es.addEventListener('message', function (e) {
      var d = data(e);
      self.cursor = e.lastEventId || self.cursor;
      if (typeof d.text !== 'string') return;
      var role = d.role === 'operator' ? 'operator' : 'assistant';
      self.addMessage(role, d.text, null, true, d.name);
      if (role === 'assistant') self.setSuggestions(d.suggestions);
      emit('message', { role: role, text: d.text, name: d.name });
    });
    es.addEventListener('status', function (e) {
      var d = data(e);
      self.cursor = e.lastEventId || self.cursor;
      // «left» needs no note: the assistant's own message that follows says so.
      if (d.operator === 'joined') {
        self.log.appendChild(el('p', { class: 'note', text: fmt(self.t.joined, { name: d.name || self.t.manager }) }));
      }
    });
    es.onerror = function () { if (es.readyState === 2) self.events = null; };
    this.off.push(function () { es.close(); });
  };

  P.destroy = function () {
    this.dead = true;
    if (this.ctrl) try { this.ctrl.abort(); } catch (e) { /* done already */ }
    this.timers.forEach(clearTimeout);
    this.timers = [];
    this.off.forEach(function (f) { f(); });
    this.off = [];
    if (this.host.parentNode) this.host.parentNode.removeChild(this.host);
  };

  // ---------------------------------------------------------------- network helpers
  function request(url, init, timeout, ctrl) {
    if (!ctrl && typeof AbortController === 'function' && !init.signal) {
      ctrl = new AbortController();
      init.signal = ctrl.signal;
    }
    init.credentials = 'omit';
    init.mode = 'cors';
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, timeout) : null;
    return W.fetch(url, init).then(function (r) {
      clearTimeout(timer);
      return r;
    }, function (e) {
      clearTimeout(timer);
      throw { status: 0, cause: e };
    });
  }

  function httpError(r) {
    var err = { status: r.status, retryAfter: retryAfter(r.headers.get('Retry-After')) };
    return r.json().then(function (d) {
      if (d && d.error && typeof d.error.message === 'string') err.message = d.error.message;
      throw err;
    }, function () { throw err; });
  }

  function retryAfter(v) {
    if (v == null || v === '') return 5;
    var n = Number(v);
    if (!isNaN(n)) return Math.max(0, n);
    var when = Date.parse(v);
    return isNaN(when) ? 5 : Math.max(0, (when - Date.now()) / 1000);
  }

  function defaultApiUrl() {
    try { if (SCRIPT && SCRIPT.src) return new URL('.', SCRIPT.src).href; } catch (e) { /* no URL support */ }
    return W.location.origin;
  }

  // ---------------------------------------------------------------- public API
  var current = null;

  function init(options) {
    if (current) {
      if (W.console) W.console.warn('AidaWidget: already initialised; call AidaWidget.destroy() first');
      return api;
    }
    var opts = options && typeof options === 'object' ? options : {};
    captureTouch();
    current = new Widget(opts);
    var w = current;
    if (D.body) w.mount();
    else D.addEventListener('DOMContentLoaded', function () { if (current === w) w.mount(); }, { once: true });
    return api;
  }

  var api = {
    version: VERSION,
    init: init,
    open: function () { if (current) current.open(true); },
    close: function () { if (current) current.close(false); },
    destroy: function () {
      if (!current) return;
      current.destroy();
      current = null;
    }
  };
  W.AidaWidget = api;

  // <script src=".../widget.js" data-api-url="…" data-mode="page"> starts itself: no inline
  // script, so a page with a strict Content-Security-Policy needs no nonce for it.
  if (SCRIPT && (SCRIPT.hasAttribute('data-api-url') || SCRIPT.hasAttribute('data-mode') || SCRIPT.hasAttribute('data-position'))) {
    var ds = SCRIPT.dataset, o = {};
    ['apiUrl', 'mode', 'position', 'primaryColor', 'buttonText', 'welcomeMessage', 'title', 'subtitle', 'container', 'privacyUrl'].forEach(function (k) {
      if (ds[k] != null && ds[k] !== '') o[k] = ds[k];
    });
    if (ds.stream === 'false') o.stream = false;
    if (o.apiUrl) { try { o.apiUrl = new URL(o.apiUrl, W.location.href).href; } catch (e) { /* keep as given */ } }
    init(o);
  }
})();
