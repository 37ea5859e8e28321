// The live drill pages' shared core (the facilitator's console and the
// participant's view): the drill's state — first from the page's JSON block
// (#drill-state, as GET /api/v1/exercises/{id}/state gives it to this user),
// then fetched again ~150 ms after events arrive — the scenario clock ticking
// in the page, the live event stream with its replay and de-duplication, the
// connection indicator, and what both pages draw the same way (situation
// board, decision points, contacts, evidence, the board's edit form).
//
// The stream: EventSource on /api/v1/exercises/{id}/events. Event names are
// the event kinds, ids are the log's seq; a fresh connection replays the
// whole log the user may see, a reconnecting EventSource sends Last-Event-ID
// and gets only what it missed. A Set of seen seqs keeps anything from being
// shown twice. On `resync` the stream is closed and opened again.
//
// Pages register with window.KunrenDrill: onState(fn(state)), onEvent(fn(event,
// fresh)) — `fresh` is true for events newer than the page (not replays of
// what the page was rendered with) — and onTick(fn(nowMs)) once a second.
'use strict';
(function () {
  const K = window.Kunren;
  const root = document.getElementById('drill');
  if (!K || !root) return;
  const lang = document.documentElement.lang === 'en' ? 'en' : 'ja';
  const apiBase = root.dataset.api;
  const KINDS = ['inject', 'report', 'decision', 'contact', 'evidence', 'note', 'observation', 'control'];

  // --- small helpers ---------------------------------------------------------------
  // h('p', {class: 'x', dataset: {a: 1}, onclick: f}, 'text', child…): DOM without innerHTML.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'dataset') Object.assign(el.dataset, v);
        else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else if (k === 'text') el.textContent = v;
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  // exercise.KEY in the page's language, with {name} filled in.
  function tx(key, values) {
    let s = K.t('exercise.' + key);
    if (values) for (const [k, v] of Object.entries(values)) s = s.split('{' + k + '}').join(String(v));
    return s;
  }
  // tx() for a key that may not exist (an id from the data): the id itself then.
  function label(prefix, id) {
    const key = 'exercise.' + prefix + '.' + id;
    const s = K.t(key);
    return s === key ? id : s;
  }
  function pad(n) { return String(n).padStart(2, '0'); }
  // Scenario milliseconds as +HH:MM:SS (always with seconds: the clock).
  function clockText(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return '+' + pad(Math.floor(s / 3600)) + ':' + pad(Math.floor(s / 60) % 60) + ':' + pad(s % 60);
  }
  // As the server writes it: +HH:MM, or +HH:MM:SS when the seconds are not zero.
  function timeText(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const base = '+' + pad(Math.floor(s / 3600)) + ':' + pad(Math.floor(s / 60) % 60);
    return s % 60 ? base + ':' + pad(s % 60) : base;
  }
  // "+01:05" / "+01:05:30" → ms (null if not a time).
  function parseTime(text) {
    const m = /^\+?(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text || '');
    if (!m) return null;
    return ((+m[1]) * 3600 + (+m[2]) * 60 + (+(m[3] || 0))) * 1000;
  }
  // A {ja, en} text or a plain string, in the page's language.
  function loc(v) {
    if (typeof v === 'string') return v;
    if (!v || typeof v !== 'object') return '';
    return v[lang] || v.ja || v.en || '';
  }
  function shorten(s, n) {
    const chars = Array.from(s || '');
    return chars.length > n ? chars.slice(0, n).join('') + '…' : chars.join('');
  }

  let state = null;
  try { state = JSON.parse(document.getElementById('drill-state').textContent); } catch (e) { state = null; }
  let clockOffset = 0;  // the server's clock minus the browser's (ms)
  const listeners = { state: [], event: [], tick: [] };

  function roleTitle(id) {
    if (id === 'facilitator') return tx('part.facilitator');
    if (!id) return tx('system');
    const r = state && (state.roles || []).find((x) => x.id === id);
    return r ? r.title : id;
  }
  function dpOf(id) { return state ? (state.decision_points || []).find((d) => d.id === id) : null; }
  function optionLabel(dpId, option) {
    const dp = dpOf(dpId);
    const o = dp && (dp.options || []).find((x) => x.id === option);
    return o ? o.label : option;
  }
  function targetLabel(to, role) { return to === 'role' ? roleTitle(role) : label('target', to); }
  function evidenceTypeLabel(id) {
    const t = state && (state.evidence_types || []).find((x) => x.id === id);
    return t ? t.name : id;
  }

  // --- the clock --------------------------------------------------------------------
  function scenarioNow() {
    if (!state) return 0;
    const c = state.clock;
    if (c.state !== 'running') return c.scenario_ms;
    return Math.max(c.scenario_ms, c.anchor_ms + (Date.now() + clockOffset - c.anchor_clock_ms) * c.speed);
  }
  const clockTime = document.getElementById('clock-time');
  const clockState = document.getElementById('clock-state');
  const clockSpeed = document.getElementById('clock-speed');
  function renderClock() {
    if (!state) return;
    const c = state.clock;
    if (clockTime) clockTime.textContent = clockText(scenarioNow());
    if (clockState) {
      clockState.textContent = label('state', c.state);
      clockState.className = 'drill-state drill-state-' + c.state;
    }
    if (clockSpeed) clockSpeed.textContent = '×' + c.speed;
    root.dataset.state = c.state;
  }
  let lastTick = 0;
  setInterval(() => {
    renderClock();
    if (Date.now() - lastTick >= 1000) {
      lastTick = Date.now();
      const now = scenarioNow();
      for (const fn of listeners.tick) fn(now);
    }
  }, 250);

  // --- state --------------------------------------------------------------------------
  function setState(s) {
    state = s;
    clockOffset = (s.clock && s.clock.clock_ms ? s.clock.clock_ms : Date.now()) - Date.now();
    renderClock();
    for (const fn of listeners.state) {
      try { fn(s); } catch (e) { console.error(e); }
    }
  }
  let refreshTimer = null;
  let inflight = false;
  let again = false;
  let failed = false;
  function refreshSoon(delay) {
    if (refreshTimer) return;
    refreshTimer = setTimeout(refresh, delay === undefined ? 150 : delay);
  }
  async function refresh() {
    refreshTimer = null;
    if (inflight) { again = true; return; }
    inflight = true;
    try {
      setState(await K.api('GET', apiBase + '/state?lang=' + lang));
      failed = false;
    } catch (err) {
      if (!failed) K.toast(tx('live.refresh_failed'), true);
      failed = true;
      again = true;
    } finally {
      inflight = false;
      if (again) { again = false; refreshSoon(failed ? 3000 : 150); }
    }
  }

  // --- the live stream ------------------------------------------------------------------
  const indicator = document.getElementById('live-indicator');
  const indicatorLabel = document.getElementById('live-label');
  function setLive(s) {
    if (!indicator || indicator.dataset.state === s) return;
    indicator.dataset.state = s;
    indicatorLabel.textContent = tx('live.' + s);
  }
  const announcer = document.getElementById('drill-announce');
  function announce(message) {
    if (!announcer) return;
    announcer.textContent = '';
    announcer.textContent = message;
  }

  const seen = new Set();
  const baseline = state ? state.last_seq : 0;  // what the page was rendered with
  let source = null;
  let retry = null;
  function onStreamEvent(e) {
    let ev;
    try { ev = JSON.parse(e.data); } catch (err) { return; }
    if (!ev || typeof ev.seq !== 'number' || seen.has(ev.seq)) return;
    seen.add(ev.seq);
    const fresh = ev.seq > baseline;
    for (const fn of listeners.event) {
      try { fn(ev, fresh); } catch (err) { console.error(err); }
    }
    if (fresh) refreshSoon();
  }
  function connect() {
    if (!('EventSource' in window) || !root.dataset.eventsUrl) { setLive('off'); return; }
    clearTimeout(retry);
    const es = new EventSource(root.dataset.eventsUrl);
    source = es;
    es.onopen = () => setLive('live');
    es.onerror = () => {
      if (es !== source) return;
      if (es.readyState === EventSource.CLOSED) {
        // Refused (503 and the like): EventSource gives up; try again ourselves.
        setLive('reconnecting');
        retry = setTimeout(reopen, 5000);
      } else {
        setLive('reconnecting');
      }
    };
    for (const kind of KINDS) es.addEventListener(kind, onStreamEvent);
    es.addEventListener('hello', () => { setLive('live'); refreshSoon(); });
    es.addEventListener('resync', () => reopen());
  }
  function reopen() {
    if (source) source.close();
    source = null;
    connect();
    refreshSoon();
  }
  window.addEventListener('pagehide', () => { if (source) source.close(); });

  // --- API calls --------------------------------------------------------------------------
  async function post(path, body) {
    const res = await K.api('POST', apiBase + path, body);
    refreshSoon(0);
    return res;
  }
  // Shows an API error in a form (its [data-form-error]) and focuses the field it names.
  function formError(form, err) {
    const box = form.querySelector('[data-form-error]');
    let message = err && err.message ? err.message : String(err);
    if (err && err.status === 409) message = tx('errors.conflict') + tx('colon') + message;
    if (box) { box.textContent = message; box.hidden = false; } else K.toast(message, true);
    const field = err && err.field ? String(err.field).replace(/^payload\./, '').replace(/\[.*$/, '') : '';
    const input = field && form.querySelector('[name="' + field + '"]');
    if (input && typeof input.focus === 'function') input.focus();
  }
  function clearFormError(form) {
    const box = form.querySelector('[data-form-error]');
    if (box) { box.hidden = true; box.textContent = ''; }
  }
  // Keeps the focus on an element re-created with the same id.
  function keepFocus(draw) {
    const active = document.activeElement;
    const id = active && active.id;
    draw();
    if (id && document.activeElement !== active) {
      const again = document.getElementById(id);
      if (again) again.focus({ preventScroll: true });
    }
  }
  // Replaces a select's options, keeping its value when still offered.
  function fillSelect(select, options, placeholder) {
    if (!select) return;
    const value = select.value;
    const nodes = [];
    if (placeholder !== undefined) nodes.push(h('option', { value: '' }, placeholder));
    for (const o of options) nodes.push(h('option', { value: o.value, disabled: o.disabled }, o.label));
    select.replaceChildren(...nodes);
    if (options.some((o) => String(o.value) === value && !o.disabled)) select.value = value;
  }

  // --- one event in words (the feed) ---------------------------------------------------------
  function eventText(ev) {
    const p = ev.payload || {};
    switch (ev.kind) {
      case 'inject': {
        const to = (p.to || []).length ? p.to.map(roleTitle).join('・') : tx('injects.everyone');
        return (p.inject || '') + ' ' + loc(p.title) + ' → ' + to;
      }
      case 'report':
        if (p.op === 'merge') return tx('feed.merge', { a: p.report, b: p.into });
        if (p.op === 'link') return tx('feed.link', { a: p.report, b: p.thread });
        if (p.op === 'status') return tx('feed.status', { a: p.report, s: label('board.status', p.status) });
        return '#' + ev.seq + ' ' + (p.what || '');
      case 'decision':
        return (p.decision_point || '') + ' ' + optionLabel(p.decision_point, p.option) + (p.rationale ? ' — ' + p.rationale : '');
      case 'contact':
        return '→ ' + targetLabel(p.to, p.role) + (p.name ? tx('lp') + p.name + tx('rp') : '') + ': ' + (p.summary || '');
      case 'evidence':
        if (p.op === 'handover') return tx('feed.handover', { a: p.record }) + ' ' + p.from + ' → ' + p.to;
        return '#' + ev.seq + ' ' + evidenceTypeLabel(p.type) + ' / ' + (p.asset || '');
      case 'note': return p.text || '';
      case 'observation': return [p.objective, p.rating].filter(Boolean).join(' ') + (p.text ? ': ' + p.text : '');
      case 'control':
        if (p.action === 'contingency-skipped') return (p.inject || '') + ' ' + tx('injects.skipped');
        return label('control', p.action) + (p.speed && (p.action === 'start' || p.action === 'speed') ? ' ×' + p.speed : '');
      default: return ev.kind;
    }
  }

  // --- the situation board ---------------------------------------------------------------------
  // Reports by incident thread, each top report with those merged into it.
  function boardGroups(board) {
    const byId = new Map(board.map((r) => [r.id, r]));
    const rootOf = (id) => {
      let guard = 0;
      while (byId.has(id) && byId.get(id).duplicate_of && guard++ < 1000) id = byId.get(id).duplicate_of;
      return id;
    };
    const tops = new Map();
    for (const r of board) if (!r.duplicate_of) tops.set(r.id, { report: r, duplicates: [] });
    for (const r of board) {
      if (!r.duplicate_of) continue;
      const top = tops.get(rootOf(r.id));
      if (top) top.duplicates.push(r);
    }
    const threads = new Map();
    for (const [id, t] of tops) {
      const thread = t.report.thread || id;
      if (!threads.has(thread)) threads.set(thread, []);
      threads.get(thread).push(t);
    }
    return Array.from(threads.entries()).sort((a, b) => a[0] - b[0]).map(([thread, reports]) => ({ thread, reports }));
  }
  function statusBadge(status) {
    return h('span', { class: 'board-status board-status-' + status }, label('board.status', status));
  }
  function reportCard(r, duplicates) {
    const meta = [];
    for (const f of ['line', 'asset', 'seen_at', 'source']) {
      if (r[f]) meta.push(h('span', null, tx('report.' + f) + tx('colon') + r[f]));
    }
    return h('li', { class: 'report-card status-' + r.status, id: 'report-' + r.id, dataset: { report: r.id } },
      h('div', { class: 'report-top' },
        h('span', { class: 'report-id' }, '#' + r.id), ' ', statusBadge(r.status), ' ',
        h('span', { class: 'muted small' }, r.time + ' · ' + roleTitle(r.role))),
      h('p', { class: 'report-what' }, r.what),
      meta.length ? h('p', { class: 'report-meta small' }, meta) : null,
      r.impact ? h('p', { class: 'small' }, tx('report.impact') + tx('colon') + r.impact) : null,
      duplicates && duplicates.length
        ? h('details', { class: 'duplicates' },
          h('summary', null, tx('board.duplicates') + tx('lp') + duplicates.length + tx('rp')),
          h('ul', null, duplicates.map((d) => h('li', null,
            h('span', { class: 'report-id' }, '#' + d.id), ' ',
            h('span', { class: 'muted small' }, d.time + ' · ' + roleTitle(d.role)), ' ', d.what))))
        : null);
  }
  function renderBoard(s) {
    const box = document.getElementById('board');
    if (!box) return;
    const open = new Set(Array.from(box.querySelectorAll('details[open]')).map((d) => d.closest('[data-report]')?.dataset.report));
    const groups = boardGroups(s.board || []);
    const summary = document.getElementById('board-summary');
    if (summary) summary.textContent = tx('board.summary', { reports: (s.board || []).length, threads: groups.length });
    if (!groups.length) {
      box.replaceChildren(h('p', { class: 'muted' }, box.dataset.empty || ''));
    } else {
      box.replaceChildren(...groups.map((g) => h('div', { class: 'thread', dataset: { thread: g.thread } },
        h('h3', { class: 'thread-head' }, tx('board.thread', { n: g.thread }), ' ',
          h('span', { class: 'muted small' }, tx('board.count', { n: g.reports.length }))),
        h('ul', { class: 'report-list' }, g.reports.map((t) => reportCard(t.report, t.duplicates))))));
      for (const id of open) {
        const d = box.querySelector('[data-report="' + id + '"] details');
        if (d) d.open = true;
      }
    }
    fillBoardForm(s);
  }

  // The board's edit form (facilitator, the team lead): merge, link, status.
  const boardForm = document.getElementById('board-form');
  function fillBoardForm(s) {
    if (!boardForm) return;
    const reports = (s.board || []).slice().sort((a, b) => a.id - b.id);
    const reportSelect = document.getElementById('board-report');
    fillSelect(reportSelect, reports.map((r) => ({ value: r.id, label: '#' + r.id + ' ' + shorten(r.what, 30) })),
      reports.length ? undefined : tx('board.no_reports'));
    const chosen = Number(reportSelect.value);
    fillSelect(document.getElementById('board-target'),
      reports.filter((r) => r.id !== chosen && !r.duplicate_of)
        .map((r) => ({ value: r.id, label: '#' + r.id + ' ' + shorten(r.what, 30) })));
    const submit = boardForm.querySelector('button[type=submit]');
    if (submit) submit.disabled = !reports.length || !live(s);
    boardOpFields();
  }
  function boardOpFields() {
    const op = document.getElementById('board-op').value;
    for (const f of boardForm.querySelectorAll('[data-op-field]')) f.hidden = !f.dataset.opField.split(' ').includes(op);
  }
  if (boardForm) {
    boardForm.addEventListener('change', (e) => {
      if (e.target.id === 'board-op') boardOpFields();
      if (e.target.id === 'board-report' && state) fillBoardForm(state);
    });
    boardForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFormError(boardForm);
      const op = document.getElementById('board-op').value;
      const payload = { op, report: Number(document.getElementById('board-report').value) };
      if (op === 'merge') payload.into = Number(document.getElementById('board-target').value);
      if (op === 'link') payload.thread = Number(document.getElementById('board-target').value);
      if (op === 'status') payload.status = document.getElementById('board-status').value;
      const button = boardForm.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await post('/actions', { kind: 'report', payload });
        K.toast(tx('board.applied'));
      } catch (err) {
        formError(boardForm, err);
      } finally {
        button.disabled = false;
      }
    });
  }

  // --- decision points ---------------------------------------------------------------------
  function criteriaOf(dp) {
    const c = dp && dp.criteria;
    if (!c || typeof c !== 'object') return { who: '', conditions: [] };
    const conditions = Array.isArray(c.conditions) ? c.conditions.filter((x) => typeof x === 'string')
      : (typeof c.conditions === 'string' ? [c.conditions] : []);
    return { who: typeof c.who === 'string' ? c.who : '', conditions };
  }
  function renderDecisionPoints(s, { onlyRaised } = {}) {
    const box = document.getElementById('decision-points');
    if (!box) return;
    const dps = (s.decision_points || []).filter((d) => !onlyRaised || d.raised || d.latest);
    if (!dps.length) {
      box.replaceChildren(h('p', { class: 'muted' }, tx('dp.none_raised')));
      return;
    }
    box.replaceChildren(...dps.map((d) => {
      const crit = criteriaOf(d);
      const latest = d.latest;
      return h('article', { class: 'dp-card' + (latest ? ' is-decided' : d.raised ? ' is-raised' : ''), id: 'dp-' + d.id, dataset: { dp: d.id } },
        h('header', null,
          h('span', { class: 'dp-id' }, d.id), ' ', h('span', { class: 'dp-kind' }, label('dp.kind', d.kind)), ' ',
          latest ? h('span', { class: 'badge badge-decided' }, tx('dp.decided'))
            : d.raised ? h('span', { class: 'badge badge-raised' }, tx('dp.raised') + ' ' + d.raised_time)
              : h('span', { class: 'badge badge-muted' }, tx('dp.not_raised'))),
        h('p', { class: 'dp-prompt' }, d.prompt),
        latest ? h('p', { class: 'dp-latest' },
          h('strong', null, latest.label || latest.option), ' ',
          h('span', { class: 'muted small' }, latest.time + ' · ' + roleTitle(latest.role) +
            (latest.decided_by ? ' · ' + latest.decided_by : '') +
            (d.decisions > 1 ? ' · ' + tx('dp.decisions', { n: d.decisions }) : ''))) : null,
        latest && latest.rationale ? h('p', { class: 'small dp-rationale' }, tx('decision.rationale') + tx('colon') + latest.rationale) : null,
        crit.conditions.length || crit.who
          ? h('div', { class: 'criteria' },
            h('p', { class: 'criteria-title' }, tx('dp.criteria') + (crit.who ? tx('lp') + tx('dp.who') + tx('colon') + crit.who + tx('rp') : '')),
            crit.conditions.length ? h('ul', null, crit.conditions.map((c) => h('li', null, c))) : null)
          : null,
        h('p', { class: 'muted small dp-foot' },
          tx('dp.roles') + tx('colon') + ((d.roles || []).length ? d.roles.map(roleTitle).join('・') : tx('dp.anyone')) +
          (d.contacts ? ' · ' + tx('dp.contacts', { n: d.contacts }) : '')));
    }));
  }

  // --- contacts, evidence -------------------------------------------------------------------
  function table(headers, rows, emptyText) {
    if (!rows.length) return h('p', { class: 'muted' }, emptyText);
    return h('table', { class: 'compact' },
      h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col', class: x.num ? 'num' : null }, x.text || x)))),
      h('tbody', null, rows));
  }
  function renderContacts(s) {
    const box = document.getElementById('contacts');
    if (!box) return;
    const rows = (s.contacts || []).slice().reverse().map((c) => h('tr', null,
      h('td', { class: 'num' }, c.time),
      h('td', null, roleTitle(c.role)),
      h('td', null, targetLabel(c.to, c.to_role), c.name ? tx('lp') + c.name + tx('rp') : '',
        h('br'), h('span', { class: 'muted small' }, label('channel', c.channel) + (c.decision_point ? ' · ' + c.decision_point : ''))),
      h('td', null, c.summary)));
    box.replaceChildren(table([{ text: tx('col.time'), num: true }, tx('col.from'), tx('contact.to'), tx('contact.summary')],
      rows, tx('contacts.empty')));
  }
  function renderEvidence(s) {
    const box = document.getElementById('evidence');
    if (!box) return;
    const rows = (s.evidence || []).slice().reverse().map((e) => h('tr', { id: 'evidence-' + e.id },
      h('td', { class: 'num' }, '#' + e.id, h('br'), h('span', { class: 'muted small' }, e.time)),
      h('td', null, h('strong', null, evidenceTypeLabel(e.type)), h('br'), e.asset),
      h('td', { class: 'small' },
        e.method ? h('div', null, tx('evidence.method') + tx('colon') + e.method) : null,
        e.collected_by ? h('div', null, tx('evidence.collected_by') + tx('colon') + e.collected_by) : null,
        e.file ? h('div', null, tx('evidence.file') + tx('colon') + e.file) : null,
        e.sha256 ? h('div', { class: 'mono sha' }, 'SHA-256' + tx('colon') + e.sha256) : null,
        e.stored_at ? h('div', null, tx('evidence.stored_at') + tx('colon') + e.stored_at) : null),
      h('td', { class: 'small' }, (e.custody || []).length
        ? h('ol', { class: 'custody' }, e.custody.map((c) => h('li', null, c.time + ' ' + c.from + ' → ' + c.to + (c.note ? tx('lp') + c.note + tx('rp') : ''))))
        : h('span', { class: 'muted' }, '—'))));
    box.replaceChildren(table([{ text: tx('col.no'), num: true }, tx('evidence.type'), tx('evidence.details'), tx('evidence.custody')],
      rows, tx('evidence.empty')));
  }

  function live(s) { return s && (s.clock.state === 'running' || s.clock.state === 'paused'); }

  window.KunrenDrill = {
    h, tx, label, loc, shorten, timeText, clockText, parseTime, roleTitle, optionLabel, targetLabel, evidenceTypeLabel,
    eventText, fillSelect, keepFocus, formError, clearFormError, announce, criteriaOf, live, dpOf,
    renderBoard, renderDecisionPoints, renderContacts, renderEvidence, table,
    root, lang,
    get state() { return state; },
    now: scenarioNow,
    post,
    refreshSoon,
    onState(fn) { listeners.state.push(fn); },
    onEvent(fn) { listeners.event.push(fn); },
    onTick(fn) { listeners.tick.push(fn); },
    // Called by the page once it has registered: draws the state it was rendered with, then goes live.
    start() {
      if (state) setState(state);
      connect();
    },
  };
})();
