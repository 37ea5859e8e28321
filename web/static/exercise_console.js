// The facilitator's console (and the observers' read-only copy): the clock
// controls (start at ×1/×2/×5/×10, pause, resume, speed, end behind a
// confirmation), the inject timeline (delivered with their trigger and the
// expectations after each — met, pending, overdue — upcoming with "deliver
// now", contingencies marked, those not needed greyed), the ad-hoc inject
// and observation forms, the live event feed, the metrics ticking against
// their targets, and the regions both pages share (exercise.js).
'use strict';
(function () {
  const K = window.Kunren;
  const D = window.KunrenDrill;
  if (!K || !D || D.root.dataset.view !== 'console') return;
  const { h, tx, label } = D;
  const runs = D.root.dataset.runs === 'true';

  // --- controls ------------------------------------------------------------------------
  const buttons = {
    start: document.getElementById('ctl-start'),
    pause: document.getElementById('ctl-pause'),
    resume: document.getElementById('ctl-resume'),
    end: document.getElementById('ctl-end'),
  };
  const note = document.getElementById('control-note');
  const endDialog = document.getElementById('end-dialog');

  function selectedSpeed() {
    const checked = document.querySelector('input[name=speed]:checked');
    return checked ? Number(checked.value) : 1;
  }

  function renderControls(s) {
    if (!runs) return;
    const st = s.clock.state;
    const focused = Object.values(buttons).find((b) => b && b === document.activeElement);
    buttons.start.hidden = st !== 'planned';
    buttons.pause.hidden = st !== 'running';
    buttons.resume.hidden = st !== 'paused';
    buttons.end.hidden = st !== 'running' && st !== 'paused';
    for (const input of document.querySelectorAll('input[name=speed]')) {
      input.disabled = st === 'ended';
      if (!speedBusy && st !== 'planned') input.checked = Number(input.value) === s.clock.speed;
    }
    note.textContent = tx('controls.note_' + st);
    // The button the user pressed went away: keep the focus in the controls.
    if (focused && focused.hidden) {
      const next = Object.values(buttons).find((b) => b && !b.hidden) || document.getElementById('controls-h');
      if (next) next.focus();
    }
  }

  async function control(action, extra) {
    try {
      await D.post('/control', Object.assign({ action }, extra || {}));
      K.toast(tx('controls.done_' + action));
      return true;
    } catch (err) {
      K.toast(tx('controls.failed') + tx('colon') + err.message, true);
      return false;
    }
  }
  let speedBusy = false;
  if (runs) {
    buttons.start.addEventListener('click', () => control('start', { speed: selectedSpeed() }));
    buttons.pause.addEventListener('click', () => control('pause'));
    buttons.resume.addEventListener('click', () => control('resume'));
    buttons.end.addEventListener('click', () => {
      const error = endDialog.querySelector('[data-dialog-error]');
      error.hidden = true;
      endDialog.showModal();
      endDialog.querySelector('[data-cancel]').focus();
    });
    endDialog.addEventListener('close', () => {
      const s = D.state;
      const back = s && s.clock.state !== 'ended' ? buttons.end : document.getElementById('feed-h');
      if (back) back.focus();
    });
    document.getElementById('end-confirm').addEventListener('click', async (e) => {
      e.target.disabled = true;
      try {
        await D.post('/control', { action: 'end' });
        endDialog.close();
        K.toast(tx('controls.done_end'));
      } catch (err) {
        const error = endDialog.querySelector('[data-dialog-error]');
        error.textContent = tx('controls.failed') + tx('colon') + err.message;
        error.hidden = false;
      } finally {
        e.target.disabled = false;
      }
    });
    // While the drill runs or is paused, choosing a speed applies it at once.
    for (const input of document.querySelectorAll('input[name=speed]')) {
      input.addEventListener('change', async () => {
        const s = D.state;
        if (!s || (s.clock.state !== 'running' && s.clock.state !== 'paused')) return;
        speedBusy = true;
        await control('speed', { speed: Number(input.value) });
        speedBusy = false;
      });
    }
  }

  // --- injects -------------------------------------------------------------------------
  function toChips(to) {
    if (!to || !to.length) return [h('span', { class: 'chip chip-all' }, tx('injects.everyone'))];
    return to.map((r) => h('span', { class: 'chip' }, D.roleTitle(r)));
  }
  function expectationStatus(e, now) {
    if (e.met_seq) return 'met';
    const deadline = D.parseTime(e.deadline_time);
    if (e.overdue || (deadline !== null && now > deadline)) return 'overdue';
    return 'pending';
  }
  function expectationList(inject, now) {
    const list = inject.expects || [];
    if (!list.length) return null;
    return h('ul', { class: 'expectations' }, list.map((e) => {
      const status = expectationStatus(e, now);
      const what = [label('kind', e.kind), e.decision_point, e.contact ? label('target', e.contact) : '', e.role ? D.roleTitle(e.role) : '']
        .filter(Boolean).join(' · ');
      return h('li', { class: 'expectation exp-' + status, dataset: { status } },
        h('span', { class: 'exp-badge exp-badge-' + status }, tx('expect.' + status)), ' ',
        h('span', { class: 'exp-what' }, what),
        e.text ? h('span', { class: 'exp-text' }, e.text) : null,
        h('span', { class: 'muted small exp-time' },
          e.met_seq ? tx('expect.met_at', { t: e.met_time }) : e.deadline_time ? tx('expect.by', { t: e.deadline_time }) : ''));
    }));
  }
  function renderInjects(s) {
    const now = D.now();
    const delivered = document.getElementById('delivered-list');
    const upcoming = document.getElementById('upcoming-list');
    const items = (s.injects || []).slice().reverse();
    let met = 0, pending = 0, overdue = 0;
    for (const i of s.injects || []) for (const e of i.expects || []) {
      const st = expectationStatus(e, now);
      if (st === 'met') met++; else if (st === 'overdue') overdue++; else pending++;
    }
    document.getElementById('inject-summary').textContent = tx('injects.summary', {
      delivered: (s.injects || []).length, upcoming: (s.upcoming || []).length, skipped: (s.skipped || []).length,
      met, pending, overdue,
    });
    delivered.replaceChildren(...(items.length ? items.map((i) => h('li', {
      class: 'inject-card trigger-' + i.trigger, id: 'delivered-' + i.inject, dataset: { inject: i.inject, seq: i.seq },
    },
    h('div', { class: 'inject-top' },
      h('span', { class: 'inject-time' }, i.time), ' ',
      h('span', { class: 'inject-id' }, i.inject), ' ',
      h('span', { class: 'trigger trigger-badge-' + i.trigger }, label('trigger', i.trigger)), ' ',
      i.delivery ? h('span', { class: 'muted small' }, label('delivery', i.delivery)) : null),
    h('p', { class: 'inject-title' }, i.title),
    h('p', { class: 'inject-to' }, toChips(i.to), (i.decision_points || []).map((d) => h('span', { class: 'chip chip-dp' }, d))),
    expectationList(i, now))) : [h('li', { class: 'muted' }, tx('injects.none_delivered'))]));

    const canDeliver = runs && D.live(s);
    const up = (s.upcoming || []).map((i) => h('li', { class: 'inject-card upcoming' + (i.contingency ? ' is-contingency' : ''), id: 'upcoming-' + i.inject, dataset: { inject: i.inject } },
      h('div', { class: 'inject-top' },
        h('span', { class: 'inject-time' }, i.time), ' ',
        h('span', { class: 'inject-id' }, i.inject), ' ',
        i.contingency ? h('span', { class: 'trigger trigger-badge-contingency', title: tx('injects.contingency_hint', { id: i.contingency }) },
          tx('injects.contingency', { id: i.contingency })) : null),
      h('p', { class: 'inject-title' }, i.title),
      h('div', { class: 'inject-foot' },
        h('p', { class: 'inject-to' }, toChips(i.to)),
        runs ? h('button', {
          type: 'button', class: 'btn btn-small', id: 'deliver-' + i.inject, dataset: { deliver: i.inject },
          disabled: !canDeliver, 'aria-label': tx('injects.deliver_now_label', { id: i.inject }),
        }, tx('injects.deliver_now')) : null)));
    const skipped = (s.skipped || []).map((id) => h('li', { class: 'inject-card is-skipped', dataset: { inject: id } },
      h('div', { class: 'inject-top' }, h('span', { class: 'inject-id' }, id), ' ',
        h('span', { class: 'trigger trigger-badge-skipped' }, tx('injects.skipped')))));
    D.keepFocus(() => upcoming.replaceChildren(...(up.length || skipped.length ? up.concat(skipped)
      : [h('li', { class: 'muted' }, tx('injects.none_upcoming'))])));
  }
  document.getElementById('upcoming-list').addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-deliver]');
    if (!button) return;
    button.disabled = true;
    try {
      await D.post('/injects', { inject: button.dataset.deliver });
      K.toast(tx('injects.delivered_now', { id: button.dataset.deliver }));
      const h2 = document.getElementById('injects-h');
      if (h2 && document.activeElement === button) h2.focus();
    } catch (err) {
      button.disabled = false;
      K.toast(tx('injects.deliver_failed') + tx('colon') + err.message, true);
    }
  });

  // --- metrics -----------------------------------------------------------------------------
  function renderMetrics(s, now) {
    const box = document.getElementById('metrics');
    const first = s.first_inject_ms;
    const since = first === null || first === undefined ? null : now - first;
    const rows = (s.metrics || []).map((m) => {
      let verdict = m.verdict;
      if (verdict === 'pending' && since !== null && m.target_ms && since > m.target_ms) verdict = 'missed';
      const elapsed = m.value_ms === null && since !== null ? D.timeText(Math.max(0, since)) : '';
      return h('tr', { dataset: { metric: m.id } },
        h('th', { scope: 'row' }, m.label),
        h('td', { class: 'num' }, m.value || (elapsed ? h('span', { class: 'muted', title: tx('metrics.elapsed') }, '(' + elapsed + ')') : '—')),
        h('td', { class: 'num' }, m.target || '—'),
        h('td', null, h('span', { class: 'verdict verdict-' + verdict }, label('metric.verdict', verdict))));
    });
    box.replaceChildren(h('table', { class: 'compact metrics-table' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, tx('metrics.metric')), h('th', { scope: 'col', class: 'num' }, tx('metrics.value')),
        h('th', { scope: 'col', class: 'num' }, tx('metrics.target')), h('th', { scope: 'col' }, tx('metrics.verdict')))),
      h('tbody', null, rows)));
  }

  // --- observations ----------------------------------------------------------------------------
  function renderObservations(s) {
    const box = document.getElementById('observations');
    const objectiveTitle = (id) => {
      const o = (s.objectives || []).find((x) => x.id === id);
      return o ? o.id + ' ' + D.shorten(o.title, 40) : tx('observation.no_objective');
    };
    const rows = (s.observations || []).slice().reverse().map((o) => h('tr', null,
      h('td', { class: 'num' }, o.time),
      h('td', null, objectiveTitle(o.objective)),
      h('td', null, h('span', { class: 'rating rating-' + o.rating, title: label('rating', o.rating) }, o.rating)),
      h('td', null, o.text)));
    box.replaceChildren(D.table([{ text: tx('col.time'), num: true }, tx('observation.objective'), tx('observation.rating_short'),
      tx('observation.text')], rows, tx('observation.empty')));
  }

  // --- the live feed ---------------------------------------------------------------------------
  const feed = document.getElementById('feed');
  const feedCount = document.getElementById('feed-count');
  let feedTotal = 0;
  D.onEvent((ev, fresh) => {
    feedTotal++;
    const item = h('li', { class: 'feed-item kind-' + ev.kind + (fresh ? ' is-new' : ''), dataset: { seq: ev.seq, kind: ev.kind } },
      h('span', { class: 'feed-time' }, ev.time),
      h('span', { class: 'kind-chip kind-' + ev.kind }, label('kind', ev.kind)),
      h('span', { class: 'feed-who' }, D.roleTitle(ev.role)),
      h('span', { class: 'feed-text' }, D.eventText(ev)));
    // Newest first, in seq order even when replayed events arrive late.
    let before = feed.firstElementChild;
    while (before && Number(before.dataset.seq) > ev.seq) before = before.nextElementSibling;
    feed.insertBefore(item, before);
    while (feed.children.length > 400) feed.lastElementChild.remove();
    if (feedCount) feedCount.textContent = tx('feed.count', { n: feedTotal });
    if (fresh) {
      setTimeout(() => item.classList.remove('is-new'), 4000);
      if (ev.kind !== 'control') D.announce(D.label('kind', ev.kind) + tx('colon') + D.shorten(D.eventText(ev), 60));
    }
  });

  // --- forms -------------------------------------------------------------------------------------
  function bindForm(id, build, done) {
    const form = document.getElementById(id);
    if (!form) return;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      D.clearFormError(form);
      const built = build(form);
      if (!built) return;
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await D.post(built.path, built.body);
        K.toast(done);
        form.reset();
      } catch (err) {
        D.formError(form, err);
      } finally {
        button.disabled = false;
      }
    });
  }
  bindForm('observation-form', (form) => {
    const rating = form.querySelector('input[name=rating]:checked');
    if (!rating) {
      D.formError(form, { message: tx('observation.need_rating'), field: 'rating' });
      return null;
    }
    return {
      path: '/actions',
      body: { kind: 'observation', payload: { objective: form.elements.objective.value, rating: rating.value, text: form.elements.text.value } },
    };
  }, tx('observation.recorded'));
  bindForm('adhoc-form', (form) => {
    const to = Array.from(form.querySelectorAll('input[name=to]:checked')).map((x) => x.value);
    return { path: '/injects', body: { title: form.elements.title.value, body: form.elements.body.value, to, delivery: form.elements.delivery.value } };
  }, tx('adhoc.sent'));

  function enableForms(s) {
    const ok = D.live(s);
    const adhoc = document.getElementById('adhoc-form');
    if (adhoc) adhoc.querySelector('button[type=submit]').disabled = !ok;
    const obs = document.getElementById('observation-form');
    if (obs) obs.querySelector('button[type=submit]').disabled = s.clock.state === 'planned';
  }

  D.onState((s) => {
    renderControls(s);
    renderInjects(s);
    D.renderBoard(s);
    D.renderDecisionPoints(s);
    renderMetrics(s, D.now());
    D.renderContacts(s);
    D.renderEvidence(s);
    renderObservations(s);
    enableForms(s);
  });
  // Time moves: the metrics and expectations follow without a fetch.
  function overdueCount(s, now) {
    let n = 0;
    for (const i of s.injects || []) for (const e of i.expects || []) if (expectationStatus(e, now) === 'overdue') n++;
    return n;
  }
  let shownOverdue = -1;
  D.onState((s) => { shownOverdue = overdueCount(s, D.now()); });
  D.onTick((now) => {
    const s = D.state;
    if (!s || s.clock.state !== 'running') return;
    renderMetrics(s, now);
    const n = overdueCount(s, now);
    if (n !== shownOverdue) {
      shownOverdue = n;
      D.keepFocus(() => renderInjects(s));
    }
  });
  D.start();
})();
