// The participant's view: the injects addressed to the user's role (or to
// everyone) — each new one arriving live with a highlight, a banner and a
// short beep (WebAudio, no audio file; muted by the toggle, remembered in
// localStorage) — and the forms of the role's actions: report, decision
// (the organisation's criteria as boxes to tick), contact, evidence (a new
// record or a handover) and note; the board, decision points, contacts and
// evidence as the team sees them (exercise.js).
'use strict';
(function () {
  const K = window.Kunren;
  const D = window.KunrenDrill;
  if (!K || !D || D.root.dataset.view !== 'participant') return;
  const { h, tx, label } = D;
  const role = D.root.dataset.role;

  // --- sound -------------------------------------------------------------------------------
  const MUTE_KEY = 'kunren.drill.muted';
  let muted = false;
  try { muted = localStorage.getItem(MUTE_KEY) === '1'; } catch (e) { muted = false; }
  const soundToggle = document.getElementById('sound-toggle');
  const soundState = document.getElementById('sound-state');
  function showSound() {
    if (!soundToggle) return;
    soundToggle.setAttribute('aria-pressed', muted ? 'false' : 'true');
    soundState.textContent = tx(muted ? 'participant.sound_off' : 'participant.sound_on');
    soundToggle.classList.toggle('is-muted', muted);
  }
  showSound();
  let audio = null;
  function audioContext() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!audio) audio = new Ctx();
    if (audio.state === 'suspended') audio.resume().catch(() => {});
    return audio;
  }
  // Browsers let a page make sound only after the user has interacted with it.
  const unlock = () => { if (!muted) audioContext(); };
  document.addEventListener('pointerdown', unlock, { once: true });
  document.addEventListener('keydown', unlock, { once: true });
  if (soundToggle) {
    soundToggle.addEventListener('click', () => {
      muted = !muted;
      try { localStorage.setItem(MUTE_KEY, muted ? '1' : '0'); } catch (e) { /* private mode: this page only */ }
      showSound();
      if (!muted) beep();
    });
  }
  // Two short tones, about a third of a second.
  function beep() {
    if (muted) return;
    const ctx = audioContext();
    if (!ctx) return;
    try {
      const t = ctx.currentTime + 0.01;
      for (const [freq, at] of [[880, 0], [1320, 0.16]]) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t + at);
        gain.gain.exponentialRampToValueAtTime(0.25, t + at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.15);
        osc.connect(gain);
        gain.connect(ctx.destination);
        osc.start(t + at);
        osc.stop(t + at + 0.17);
      }
    } catch (e) { /* no sound then; the banner still shows */ }
  }

  // --- injects ------------------------------------------------------------------------------
  const list = document.getElementById('my-inject-list');
  const fresh = new Set();  // inject ids that arrived while the page was open
  function renderInjects(s) {
    const items = (s.injects || []).slice().reverse();
    document.getElementById('inject-summary').textContent = tx('participant.inject_count', { n: items.length });
    if (!items.length) {
      list.replaceChildren(h('li', { class: 'muted' }, tx('participant.no_injects')));
      return;
    }
    list.replaceChildren(...items.map((i) => h('li', {
      class: 'inject-card' + (fresh.has(i.inject) ? ' is-new' : ''), id: 'inject-' + i.inject,
      dataset: { inject: i.inject, seq: i.seq }, tabindex: '-1',
    },
    h('div', { class: 'inject-top' },
      h('span', { class: 'inject-time' }, i.time), ' ',
      h('span', { class: 'inject-id' }, i.inject), ' ',
      fresh.has(i.inject) ? h('span', { class: 'badge badge-new' }, tx('participant.new')) : null, ' ',
      h('span', { class: 'muted small' }, [i.delivery ? label('delivery', i.delivery) : '', fromLabel(i.from) ? tx('participant.from', { from: fromLabel(i.from) }) : '']
        .filter(Boolean).join(' · '))),
    h('h3', { class: 'inject-title' }, i.title),
    h('p', { class: 'inject-body' }, i.body),
    (i.to || []).length || (i.decision_points || []).length
      ? h('p', { class: 'inject-to' },
        (i.to || []).length ? (i.to).map((r) => h('span', { class: 'chip' + (r === role ? ' chip-me' : '') }, D.roleTitle(r)))
          : h('span', { class: 'chip chip-all' }, tx('injects.everyone')),
        (i.decision_points || []).map((d) => h('span', { class: 'chip chip-dp' }, d)))
      : h('p', { class: 'inject-to' }, h('span', { class: 'chip chip-all' }, tx('injects.everyone'))))));
  }
  // Who an inject appears to come from, when that is a role of the drill
  // (the scenario's other senders are ids such as "line1-operator": the
  // inject's text says who speaks).
  function fromLabel(from) {
    if (from === 'facilitator') return D.roleTitle(from);
    const r = (D.state.roles || []).find((x) => x.id === from);
    return r ? r.title : '';
  }

  // A new inject: banner, highlight, sound.
  const banner = document.getElementById('inject-banner');
  const bannerText = document.getElementById('inject-banner-text');
  let bannerTimer = null;
  document.getElementById('inject-banner-close').addEventListener('click', () => { banner.hidden = true; });
  D.onEvent((ev, isFresh) => {
    if (ev.kind !== 'inject' || !isFresh) return;
    const p = ev.payload || {};
    const id = p.inject || '';
    fresh.add(id);
    bannerText.textContent = '';
    bannerText.append(h('a', { href: '#inject-' + id }, id + ' ' + D.loc(p.title)));
    banner.hidden = false;
    banner.classList.remove('flash');
    void banner.offsetWidth;  // restart the animation
    banner.classList.add('flash');
    clearTimeout(bannerTimer);
    bannerTimer = setTimeout(() => { banner.hidden = true; }, 20000);
    beep();
    setTimeout(() => {
      fresh.delete(id);
      const el = document.getElementById('inject-' + id);
      if (el) {
        el.classList.remove('is-new');
        const badge = el.querySelector('.badge-new');
        if (badge) badge.remove();
      }
    }, 15000);
  });
  bannerText.addEventListener('click', (e) => {
    const a = e.target.closest('a');
    if (!a) return;
    const el = document.getElementById(a.getAttribute('href').slice(1));
    if (el) { e.preventDefault(); el.scrollIntoView({ block: 'center' }); el.focus({ preventScroll: true }); }
  });

  // --- tabs ----------------------------------------------------------------------------------
  const tabs = Array.from(document.querySelectorAll('.tabs [role=tab]'));
  function selectTab(tab, focus) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
  }
  for (const t of tabs) {
    t.addEventListener('click', () => selectTab(t, false));
    t.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(t);
      let next = null;
      if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
      if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
      if (e.key === 'Home') next = tabs[0];
      if (e.key === 'End') next = tabs[tabs.length - 1];
      if (next) { e.preventDefault(); selectTab(next, true); }
    });
  }
  if (tabs.length) selectTab(tabs[0], false);

  // --- forms ---------------------------------------------------------------------------------
  function values(form, names) {
    const out = {};
    for (const n of names) {
      const el = form.elements[n];
      out[n] = el ? String(el.value || '').trim() : '';
    }
    return out;
  }
  function required(form, payload, names) {
    for (const n of names) {
      if (!payload[n]) {
        D.formError(form, { message: tx('errors.required'), field: n });
        return false;
      }
    }
    return true;
  }
  function bind(id, build, { keep } = {}) {
    const form = document.getElementById(id);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      D.clearFormError(form);
      const payload = build(form);
      if (!payload) return;
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await D.post('/actions', { kind: form.dataset.kind, payload });
        K.toast(tx('participant.sent_' + form.dataset.kind));
        if (!keep) form.reset();
        else keep(form);
        afterReset(form);
      } catch (err) {
        D.formError(form, err);
      } finally {
        button.disabled = !D.live(D.state);
      }
    });
  }
  bind('report-form', (form) => {
    const p = values(form, ['what', 'line', 'asset', 'seen_at', 'impact', 'source']);
    return required(form, p, ['what']) ? p : null;
  });
  bind('decision-form', (form) => {
    const p = values(form, ['decision_point', 'rationale', 'information', 'decided_by']);
    const option = form.querySelector('input[name=option]:checked');
    if (!p.decision_point) { D.formError(form, { message: tx('decision.need_dp'), field: 'decision_point' }); return null; }
    if (!option) { D.formError(form, { message: tx('decision.need_option'), field: 'option' }); return null; }
    p.option = option.value;
    p.criteria = Array.from(form.querySelectorAll('input[name=criterion]')).map((c) => ({ text: c.value, met: c.checked }));
    return p;
  }, { keep: (form) => { form.reset(); shownDp = ''; drawDecision(); } });
  bind('contact-form', (form) => {
    const p = values(form, ['to', 'role', 'name', 'channel', 'summary', 'decision_point']);
    if (p.to !== 'role') p.role = '';
    return required(form, p, ['to', 'summary']) ? p : null;
  });
  bind('evidence-form', (form) => {
    const op = form.querySelector('input[name=op]:checked').value;
    if (op === 'handover') {
      const p = values(form, ['record', 'from', 'to']);
      const out = { op, record: Number(p.record), from: p.from, to: p.to, note: String(form.elements.handover_note.value || '').trim() };
      if (!p.record) { D.formError(form, { message: tx('evidence.need_record'), field: 'record' }); return null; }
      return required(form, out, ['from', 'to']) ? out : null;
    }
    const p = values(form, ['asset', 'type', 'method', 'collected_by', 'file', 'sha256', 'stored_at', 'note']);
    p.op = op;
    return required(form, p, ['asset', 'type']) ? p : null;
  });
  bind('note-form', (form) => {
    const p = values(form, ['text']);
    return required(form, p, ['text']) ? p : null;
  });
  function afterReset(form) {
    if (form.id === 'contact-form') contactRole();
    if (form.id === 'evidence-form') evidenceOp();
  }

  // Contact: the role select only for a contact to another role.
  const contactTo = document.getElementById('contact-to');
  function contactRole() {
    document.getElementById('contact-role-field').hidden = contactTo.value !== 'role';
  }
  contactTo.addEventListener('change', contactRole);
  contactRole();

  // Evidence: a new record or the handover of one.
  const evidenceForm = document.getElementById('evidence-form');
  function evidenceOp() {
    const op = evidenceForm.querySelector('input[name=op]:checked').value;
    for (const part of evidenceForm.querySelectorAll('[data-evidence-op]')) part.hidden = part.dataset.evidenceOp !== op;
  }
  evidenceForm.addEventListener('change', (e) => { if (e.target.name === 'op') evidenceOp(); });
  evidenceOp();

  // Decision: the decision points raised so far; the chosen one's options and criteria.
  const dpSelect = document.getElementById('decision-dp');
  let shownDp = '';
  function fillDecisionPoints(s) {
    const raised = (s.decision_points || []).filter((d) => d.raised);
    D.fillSelect(dpSelect, raised.map((d) => ({
      value: d.id,
      label: d.id + ' ' + D.shorten(d.prompt, 40) + (d.may_decide ? '' : ' ' + tx('decision.not_yours')) + (d.latest ? ' ✔' : ''),
      disabled: !d.may_decide,
    })), raised.length ? tx('decision.choose') : tx('dp.none_raised'));
    const hint = document.getElementById('decision-dp-hint');
    hint.textContent = raised.length ? tx('decision.dp_hint') : '';
    D.fillSelect(document.getElementById('contact-dp'), (s.decision_points || []).filter((d) => d.raised || d.latest)
      .map((d) => ({ value: d.id, label: d.id + ' ' + D.shorten(d.prompt, 40) })), tx('contact.no_dp'));
    drawDecision();
  }
  function drawDecision() {
    const id = dpSelect.value;
    const detail = document.getElementById('decision-detail');
    detail.hidden = !id;
    if (id === shownDp) return;  // keep what the user ticked and chose
    shownDp = id;
    const dp = D.dpOf(id);
    if (!dp) return;
    document.getElementById('decision-prompt').textContent = dp.prompt;
    document.getElementById('decision-options').replaceChildren(...(dp.options || []).map((o, i) => h('label', { class: 'radio' },
      h('input', { type: 'radio', name: 'option', value: o.id, id: 'decision-option-' + i }), ' ', o.label)));
    const crit = D.criteriaOf(dp);
    // Who may decide, from the organisation's criteria record (and their deputy).
    const deputy = dp.criteria && typeof dp.criteria.deputy === 'string' ? dp.criteria.deputy : '';
    document.getElementById('decision-criteria-field').hidden = !crit.conditions.length && !crit.who;
    document.getElementById('decision-criteria-who').textContent = crit.who
      ? tx('dp.who') + tx('colon') + crit.who + (deputy ? tx('lp') + K.t('prepare.drill.deputy').replace('{name}', deputy) + tx('rp') : '')
      : '';
    const decidedBy = document.getElementById('decision-by');
    if (decidedBy && crit.who) decidedBy.placeholder = crit.who;
    document.getElementById('decision-criteria').replaceChildren(...crit.conditions.map((c, i) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'criterion', value: c, id: 'decision-criterion-' + i }), ' ', c)));
  }
  dpSelect.addEventListener('change', drawDecision);

  // Evidence handover: the records so far.
  function fillEvidenceRecords(s) {
    D.fillSelect(document.getElementById('evidence-record'), (s.evidence || []).map((e) => ({
      value: e.id, label: '#' + e.id + ' ' + D.evidenceTypeLabel(e.type) + ' / ' + D.shorten(e.asset, 30),
    })), (s.evidence || []).length ? undefined : tx('evidence.no_records'));
  }

  // Acting is possible while the drill runs or is paused.
  function enableForms(s) {
    const ok = D.live(s);
    document.getElementById('act-closed').hidden = ok;
    document.getElementById('act-closed').textContent = tx('participant.not_running_' + s.clock.state);
    for (const b of document.querySelectorAll('.action-panel button[type=submit]')) b.disabled = !ok;
  }

  function renderNotes(s) {
    const box = document.getElementById('notes');
    const rows = (s.notes || []).slice().reverse().map((n) => h('tr', null,
      h('td', { class: 'num' }, n.time), h('td', null, D.roleTitle(n.role)), h('td', null, n.text)));
    box.replaceChildren(D.table([{ text: tx('col.time'), num: true }, tx('col.from'), tx('note.text')], rows, tx('note.empty')));
  }

  D.onState((s) => {
    renderInjects(s);
    fillDecisionPoints(s);
    fillEvidenceRecords(s);
    enableForms(s);
    D.renderBoard(s);
    D.renderDecisionPoints(s, { onlyRaised: true });
    D.renderContacts(s);
    D.renderEvidence(s);
    renderNotes(s);
  });
  D.start();
})();
