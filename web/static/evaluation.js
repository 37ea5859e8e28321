// The self-evaluation form: live progress, filters, autosave and submitting.
// The page is complete without this script (answers shown, read-only); this
// adds the behaviour, through the JSON API:
//   - autosave: ~1 s after the last change the whole draft is PUT with the
//     revision it was based on ("base_revision"); the save state is announced
//     in an aria-live area. A network failure keeps the changes and retries
//     with growing pauses; 409 "stale" (someone else saved first) stops
//     saving and offers to load the latest version or to save over it.
//   - leaving with unsaved changes asks first (beforeunload).
//   - submit: a dialog lists the unanswered items (links to them) and needs
//     an explicit tick to leave them unanswered; pending changes are saved
//     first, then POST …/submit.
'use strict';
(function () {
  const K = window.Kunren;
  const E = window.KunrenEvaluation;
  const t = K.t;
  const root = document.getElementById('evaluation');
  if (!root) return;

  const apiUrl = root.dataset.api;
  const editable = root.dataset.editable === 'true';
  const canSubmit = root.dataset.canSubmit === 'true';
  let base = Number(root.dataset.base) || 0;

  const items = Array.from(root.querySelectorAll('.ev-item'));
  const byId = new Map(items.map((el) => [el.dataset.item, el]));
  const saveText = document.getElementById('ev-save-text');
  const saveBox = document.getElementById('ev-save');
  const retryButton = document.getElementById('ev-retry');

  // --- reading the form -----------------------------------------------------------

  function itemState(el) {
    const checked = el.querySelector('input[type=radio]:checked');
    const comment = el.querySelector('textarea');
    const review = el.querySelector('input[type=checkbox]');
    return {
      item: el.dataset.item,
      choice: checked ? Number(checked.value) : null,
      comment: comment ? comment.value : '',
      review: review ? review.checked : false,
    };
  }

  function collect() {
    return items.map(itemState);
  }

  function statementOf(el) {
    const text = el.querySelector('.ev-text');
    return text ? text.textContent.trim() : '';
  }

  // --- progress, counts and filters ---------------------------------------------

  function refresh() {
    const perSection = new Map();
    let answered = 0;
    let marked = 0;
    for (const el of items) {
      const s = itemState(el);
      const isAnswered = s.choice !== null;
      el.classList.toggle('is-answered', isAnswered);
      el.classList.toggle('is-marked', s.review);
      const clear = el.querySelector('.ev-clear');
      if (clear) clear.hidden = !isAnswered;
      if (isAnswered) answered += 1;
      if (s.review) marked += 1;
      const sec = el.dataset.section;
      const c = perSection.get(sec) || { answered: 0, total: 0 };
      c.total += 1;
      if (isAnswered) c.answered += 1;
      perSection.set(sec, c);
    }
    const total = items.length;
    const bar = document.getElementById('ev-progress-all');
    if (bar) bar.value = answered;
    const text = document.getElementById('ev-progress-text');
    if (text) text.textContent = E.fill(t('evaluation.form.answered_of'), { answered, total });
    for (const [sec, c] of perSection) {
      for (const n of document.querySelectorAll('[data-section-answered="' + CSS.escape(sec) + '"]')) n.textContent = c.answered;
      const p = document.querySelector('[data-section-progress="' + CSS.escape(sec) + '"]');
      if (p) p.value = c.answered;
      const link = document.querySelector('[data-nav="' + CSS.escape(sec) + '"]');
      if (link) link.classList.toggle('is-complete', c.answered === c.total);
    }
    const counts = { all: total, unanswered: total - answered, marked };
    for (const n of document.querySelectorAll('[data-count]')) n.textContent = counts[n.dataset.count];
    applyFilter();
  }

  const filterBox = document.getElementById('ev-filter');
  function currentFilter() {
    const checked = filterBox && filterBox.querySelector('input:checked');
    return checked ? checked.value : 'all';
  }
  function applyFilter() {
    const f = currentFilter();
    let shown = 0;
    for (const el of items) {
      const show = f === 'all' || (f === 'unanswered' && !el.classList.contains('is-answered')) ||
        (f === 'marked' && el.classList.contains('is-marked'));
      // An item being edited stays until the filter is changed again.
      const keep = el.contains(document.activeElement) && el.dataset.filterKeep === f;
      el.hidden = !(show || keep);
      if (!el.hidden) shown += 1;
    }
    for (const sec of root.querySelectorAll('.ev-section')) {
      sec.hidden = !sec.querySelector('.ev-item:not([hidden])');
    }
    for (const h of root.querySelectorAll('.ev-cat')) {
      let next = h.nextElementSibling;
      let any = false;
      while (next && !next.classList.contains('ev-cat')) {
        if (next.classList.contains('ev-section') && !next.hidden) any = true;
        next = next.nextElementSibling;
      }
      h.hidden = !any;
    }
    const empty = document.getElementById('ev-empty');
    if (empty) empty.hidden = shown > 0;
  }
  if (filterBox) {
    filterBox.hidden = false;
    filterBox.addEventListener('change', () => {
      for (const el of items) delete el.dataset.filterKeep;
      applyFilter();
    });
  }
  // While one item is being answered under a filter, it does not vanish at once.
  root.addEventListener('focusin', (ev) => {
    const item = ev.target.closest && ev.target.closest('.ev-item');
    if (item) item.dataset.filterKeep = currentFilter();
  });

  // On narrow screens the section list starts folded.
  const nav = document.getElementById('ev-nav');
  const narrow = window.matchMedia('(max-width: 900px)');
  if (nav && narrow.matches) nav.open = false;
  if (nav) {
    nav.addEventListener('click', (ev) => {
      if (ev.target.closest('a') && narrow.matches) nav.open = false;
    });
  }

  // --- status line ----------------------------------------------------------------

  // Submitting needs a draft that is not submitted yet.
  function updateSubmitButton() {
    const button = document.getElementById('ev-submit-open');
    const chip = document.getElementById('ev-status-chip');
    if (!button || !canSubmit || !chip) return;
    button.hidden = chip.dataset.code === 'submitted' || chip.dataset.code === 'not_started';
  }

  function setStatus(code, revision) {
    const chip = document.getElementById('ev-status-chip');
    if (chip && code) {
      chip.className = 'status status-' + code;
      chip.dataset.code = code;
      chip.textContent = t('status.' + code);
    }
    const detail = document.getElementById('ev-status-detail');
    if (detail && revision) {
      detail.textContent = '';
      detail.append(t('evaluation.form.last_saved') + ' ');
      const time = document.createElement('time');
      time.setAttribute('datetime', revision.created_at);
      time.dataset.local = '';
      detail.append(time);
      detail.append(' · ' + E.fill(t('evaluation.revision_no'), { no: revision.no }));
      E.localise(detail);
    }
    updateSubmitButton();
  }

  // data-state on the save area: pending | saving | saved | error (for tests and styles).
  function showSave(message, isError, state) {
    saveText.textContent = message;
    saveBox.classList.toggle('is-error', !!isError);
    if (state) saveBox.dataset.state = state;
  }

  // --- autosave -------------------------------------------------------------------

  let dirty = false;      // changes not yet sent
  let inFlight = null;    // the running save (a promise)
  let timer = null;       // debounce or retry timer
  let stopped = false;    // stale or refused: no more saving until the user decides
  let failures = 0;
  let waiters = [];       // flush() callers waiting for everything to be saved

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; save(); }, ms);
  }

  function changed() {
    refresh();
    if (!editable || stopped) return;
    dirty = true;
    if (!inFlight && failures === 0) showSave(t('evaluation.save.pending'), false, 'pending');
    else saveBox.dataset.state = 'pending';
    if (failures === 0) schedule(1000);
  }

  function settle(ok) {
    if (dirty && ok) return;  // more to save; the next save resolves them
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve(ok && !dirty);
  }

  async function save() {
    if (stopped || !dirty) { settle(!stopped); return; }
    if (inFlight) return;  // save() runs again when this one ends
    clearTimeout(timer);
    timer = null;
    dirty = false;
    retryButton.hidden = true;
    showSave(t('evaluation.save.saving'), false, 'saving');
    const body = { answers: collect(), base_revision: base };
    inFlight = K.api('PUT', apiUrl, body);
    try {
      const res = await inFlight;
      failures = 0;
      if (res.revision) base = res.revision.no;
      setStatus(res.status, res.revision);
      if (res.status !== 'submitted') document.getElementById('ev-submitted').hidden = true;
      const when = res.revision ? E.parseTime(res.revision.created_at) : null;
      showSave(E.fill(t('evaluation.save.saved'), { time: when ? E.localTime(when, false) : '' }), false,
        dirty ? 'pending' : 'saved');
    } catch (e) {
      dirty = true;
      if (e.status === 409 && e.code === 'stale') {
        stopped = true;
        showSave(t('evaluation.save.stale'), true, 'error');
        showStale();
      } else if (e.status === 0 || e.status >= 500 || e.status === 429) {
        failures += 1;
        const seconds = Math.min(60, 2 ** Math.min(failures, 6));
        showSave(E.fill(t('evaluation.save.offline'), { seconds }), true, 'error');
        retryButton.hidden = false;
        schedule(seconds * 1000);
      } else {
        // Refused (the campaign was closed, the session ended, bad data):
        // keep what is on the page and say why.
        stopped = e.status !== 401;
        showSave(E.fill(t('evaluation.save.failed'), { message: e.message }), true, 'error');
      }
    } finally {
      inFlight = null;
    }
    if (dirty && !stopped && failures === 0) {
      save();
      return;
    }
    settle(!dirty && !stopped);
  }

  // Resolves true once every change is saved, false if saving cannot go on.
  function flush() {
    if (!dirty && !inFlight) return Promise.resolve(!stopped);
    return new Promise((resolve) => {
      waiters.push(resolve);
      failures = 0;
      if (!inFlight) save();
    });
  }

  retryButton.addEventListener('click', () => { failures = 0; save(); });

  if (editable) {
    root.addEventListener('change', (ev) => {
      if (ev.target.closest('.ev-item')) changed();
    });
    root.addEventListener('input', (ev) => {
      if (ev.target.matches('.ev-item textarea')) changed();
    });
    root.addEventListener('click', (ev) => {
      const clear = ev.target.closest('.ev-clear');
      if (!clear) return;
      const el = byId.get(clear.dataset.clear);
      for (const r of el.querySelectorAll('input[type=radio]')) r.checked = false;
      changed();
      const first = el.querySelector('input[type=radio]');
      if (first) first.focus();
    });
    window.addEventListener('beforeunload', (ev) => {
      if (dirty || inFlight) {
        ev.preventDefault();
        ev.returnValue = '';
      }
    });
  }

  // --- someone else saved first ---------------------------------------------------

  const staleBox = document.getElementById('ev-stale');
  function showStale() {
    staleBox.hidden = false;
    staleBox.scrollIntoView({ block: 'nearest' });
    document.getElementById('ev-stale-reload').focus();
  }
  document.getElementById('ev-stale-reload').addEventListener('click', () => {
    dirty = false;
    location.reload();
  });
  document.getElementById('ev-stale-overwrite').addEventListener('click', async () => {
    try {
      const res = await K.api('GET', apiUrl);
      base = res.revision ? res.revision.no : 0;
      stopped = false;
      failures = 0;
      staleBox.hidden = true;
      dirty = true;
      await save();
    } catch (e) {
      K.toast(e.message, true);
    }
  });

  // --- submitting -----------------------------------------------------------------

  const dialog = document.getElementById('ev-submit-dialog');
  const openButton = document.getElementById('ev-submit-open');
  if (canSubmit && dialog && openButton) {
    const list = document.getElementById('ev-missing-list');
    const missingBox = document.getElementById('ev-submit-missing');
    const leave = document.getElementById('ev-leave');
    const summary = document.getElementById('ev-submit-summary');
    const error = document.getElementById('ev-submit-error');
    const confirm = document.getElementById('ev-submit-confirm');
    updateSubmitButton();

    function unanswered() {
      return items.filter((el) => !el.querySelector('input[type=radio]:checked'));
    }

    function updateConfirm() {
      const missing = !missingBox.hidden;
      confirm.disabled = missing && !leave.checked;
    }

    function fillDialog() {
      const missing = unanswered();
      const total = items.length;
      summary.textContent = missing.length === 0
        ? t('evaluation.submit.all_answered')
        : E.fill(t('evaluation.submit.summary'), { answered: total - missing.length, total });
      list.textContent = '';
      for (const el of missing) {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = '#' + el.id;
        a.dataset.jump = el.dataset.item;
        const tag = document.createElement('span');
        tag.className = 'id-tag';
        tag.textContent = el.dataset.item;
        const text = document.createElement('span');
        text.className = 'ev-missing-text';
        text.textContent = statementOf(el);
        a.append(tag, text);
        li.append(a);
        list.append(li);
      }
      document.getElementById('ev-missing-lead').textContent =
        E.fill(t('evaluation.submit.missing_lead'), { n: missing.length });
      missingBox.hidden = missing.length === 0;
      leave.checked = false;
      error.hidden = true;
      updateConfirm();
    }

    // Where focus goes when the dialog closes: back to the button, unless
    // the dialog sent the user somewhere (an item, the confirmation).
    let focusAfter = null;
    openButton.addEventListener('click', () => {
      fillDialog();
      focusAfter = openButton;
      dialog.showModal();
      document.getElementById('ev-submit-title').focus();
    });
    dialog.addEventListener('close', () => {
      if (focusAfter) focusAfter.focus({ preventScroll: focusAfter !== openButton });
    });
    document.getElementById('ev-submit-cancel').addEventListener('click', () => dialog.close());
    leave.addEventListener('change', updateConfirm);

    list.addEventListener('click', (ev) => {
      const a = ev.target.closest('a[data-jump]');
      if (!a) return;
      ev.preventDefault();
      const el = byId.get(a.dataset.jump);
      focusAfter = el.querySelector('input[type=radio]') || el;
      dialog.close();
      if (el.hidden) {
        const all = filterBox.querySelector('input[value=all]');
        all.checked = true;
        all.dispatchEvent(new Event('change', { bubbles: true }));
      }
      if (nav && narrow.matches) nav.open = false;
      el.scrollIntoView({ block: 'start' });
    });

    confirm.addEventListener('click', async () => {
      error.hidden = true;
      if (confirm.disabled) return;
      confirm.disabled = true;
      try {
        summary.textContent = t('evaluation.submit.saving_first');
        const saved = await flush();
        if (!saved) {
          fillDialog();
          error.textContent = saveText.textContent;
          error.hidden = false;
          return;
        }
        summary.textContent = t('evaluation.submit.sending');
        const res = await K.api('POST', apiUrl + '/submit', {
          base_revision: base,
          leave_unanswered: leave.checked,
        });
        base = res.revision.no;
        setStatus(res.status, res.revision);
        const when = E.parseTime(res.revision.created_at);
        const done = document.getElementById('ev-submitted');
        done.textContent = E.fill(t('evaluation.submit.done'), {
          revision: E.fill(t('evaluation.revision_no'), { no: res.revision.no }),
          time: when ? E.localTime(when, true) : '',
        });
        done.hidden = false;
        focusAfter = done;
        dialog.close();
        root.querySelector('.ev-head').scrollIntoView({ block: 'start' });
        showSave('');
      } catch (e) {
        if (e.status === 409 && e.code === 'stale') {
          focusAfter = null;
          dialog.close();
          stopped = true;
          showStale();
          return;
        }
        fillDialog();
        error.textContent = e.code === 'unanswered' ? t('evaluation.submit.need_leave') : e.message;
        error.hidden = false;
      } finally {
        updateConfirm();
      }
    });
  }

  if (editable) showSave(t('evaluation.save.idle'));
  refresh();
})();
