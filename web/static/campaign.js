// The coordinator's campaign page: the state actions (each behind a
// confirmation dialog), sorting and filtering the table of organisations,
// and live updates. The page listens to /api/v1/campaigns/{id}/events; on
// `revision`, `campaign`, `hello` or `resync` it fetches the server-rendered
// regions again (at most once a second) and swaps them in, keeping the
// filters, the sort order, open comment lists, the scroll position and the
// focus.
'use strict';
(function () {
  const K = window.Kunren;
  const page = document.querySelector('.campaign-page');
  if (!page) return;
  document.documentElement.classList.add('js');  // .js-hide: the no-script "apply" buttons

  const announcer = document.getElementById('live-announce');
  function announce(message) {
    if (!announcer) return;
    announcer.textContent = '';
    announcer.textContent = message;
  }

  // --- the table of organisations: filter and sort in the page ---------------
  const table = { status: '', sort: '', dir: 1 };
  {
    const params = new URLSearchParams(location.search);
    table.status = params.get('status') || '';
    table.sort = params.get('sort') || 'name';
    table.dir = table.sort === 'activity' || table.sort === 'revision' ? -1 : 1;
  }
  const collator = new Intl.Collator(document.documentElement.lang || 'ja', { numeric: true });

  function sortKey(row, key) {
    switch (key) {
      case 'industry': return row.dataset.industry || '';
      case 'status': return Number(row.dataset.statusRank || 0);
      case 'activity': return row.dataset.activity || '';
      case 'revision': return Number(row.dataset.revision || 0);
      default: return row.dataset.name || '';
    }
  }

  function applyTable() {
    const tableEl = document.getElementById('status-table');
    if (!tableEl) return;
    const select = document.getElementById('status-filter');
    if (select) select.value = table.status;
    const body = tableEl.tBodies[0];
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = sortKey(a, table.sort);
      const y = sortKey(b, table.sort);
      const c = typeof x === 'number' ? x - y : collator.compare(x, y);
      return c !== 0 ? c * table.dir : collator.compare(a.dataset.name || '', b.dataset.name || '');
    });
    let shown = 0;
    for (const row of rows) {
      row.hidden = !!table.status && row.dataset.status !== table.status;
      if (!row.hidden) shown++;
      body.appendChild(row);
    }
    for (const th of tableEl.tHead.rows[0].cells) {
      const link = th.querySelector('[data-sort]');
      if (!link) continue;
      th.setAttribute('aria-sort', link.dataset.sort === table.sort ? (table.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
    const empty = document.querySelector('.empty-rows');
    if (empty) empty.hidden = shown > 0;
  }

  page.addEventListener('change', (e) => {
    if (e.target.id === 'status-filter') {
      table.status = e.target.value;
      applyTable();
      keepUrl();
    }
  });
  page.addEventListener('submit', (e) => {
    if (e.target.classList.contains('table-tools')) e.preventDefault();
  });
  page.addEventListener('click', (e) => {
    const link = e.target.closest('a[data-sort]');
    if (!link) return;
    e.preventDefault();
    const key = link.dataset.sort;
    if (table.sort === key) table.dir = -table.dir;
    else { table.sort = key; table.dir = key === 'activity' || key === 'revision' ? -1 : 1; }
    applyTable();
    keepUrl();
  });
  function keepUrl() {
    const url = new URL(location.href);
    if (table.status) url.searchParams.set('status', table.status); else url.searchParams.delete('status');
    if (table.sort && table.sort !== 'name') url.searchParams.set('sort', table.sort); else url.searchParams.delete('sort');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }

  // --- state actions ------------------------------------------------------------
  let returnFocusTo = '';
  page.addEventListener('click', (e) => {
    const opener = e.target.closest('button[data-dialog]');
    if (opener && !opener.disabled) {
      const dialog = document.getElementById(opener.dataset.dialog);
      if (!dialog) return;
      returnFocusTo = opener.id;
      const error = dialog.querySelector('[data-dialog-error]');
      if (error) error.hidden = true;
      dialog.showModal();
      const cancel = dialog.querySelector('[data-cancel]');
      if (cancel) cancel.focus();
      return;
    }
    const confirm = e.target.closest('button[data-confirm]');
    if (confirm) changeState(confirm);
  });
  page.addEventListener('close', (e) => {
    if (e.target.tagName !== 'DIALOG') return;
    const back = document.getElementById(returnFocusTo);
    if (back && !back.disabled) back.focus();
    else { const h = document.getElementById('state-h'); if (h) h.focus(); }
    refreshSoon();  // regions held back while the dialog was open
  }, true);

  async function changeState(button) {
    const dialog = button.closest('dialog');
    const error = dialog && dialog.querySelector('[data-dialog-error]');
    button.disabled = true;
    try {
      const res = await K.api('POST', '/api/v1/campaigns/' + encodeURIComponent(campaignId()) + '/state',
        { state: button.dataset.state });
      const label = K.t('campaign.changed').replace('{state}', stateLabel(res.campaign.state));
      returnFocusTo = 'state-h';  // the button itself goes away with the old state
      if (dialog) dialog.close();
      K.toast(label);
      await refreshNow();
    } catch (err) {
      button.disabled = false;
      const message = K.t('campaign.change_failed') + (err.message ? '：' + err.message : '');
      if (error) { error.textContent = message; error.hidden = false; } else K.toast(message, true);
    }
  }
  function campaignId() {
    return page.dataset.campaign || '';
  }
  function stateLabel(state) {
    const label = K.t('state.' + state);
    return label === 'state.' + state ? state : label;
  }

  // --- live updates -------------------------------------------------------------------
  const liveUrl = page.dataset.liveUrl;
  const eventsUrl = page.dataset.eventsUrl;
  const indicator = document.getElementById('live-indicator');
  const indicatorLabel = document.getElementById('live-label');
  const updated = document.getElementById('live-updated');

  function setLive(state) {
    if (!indicator) return;
    indicator.hidden = false;
    if (indicator.dataset.state === state) return;
    indicator.dataset.state = state;
    const key = state === 'live' ? 'campaign.live' : state === 'reconnecting' ? 'campaign.reconnecting' : 'campaign.live_off';
    indicatorLabel.textContent = K.t(key);
  }

  async function fetchRegions(all) {
    const url = new URL(liveUrl, location.href);
    url.searchParams.set('lang', document.documentElement.lang === 'en' ? 'en' : 'ja');
    if (!all) url.searchParams.set('parts', 'status');
    const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (res.status === 401) { location.reload(); return null; }
    if (!res.ok) throw new Error('HTTP ' + res.status);
    return new DOMParser().parseFromString(await res.text(), 'text/html');
  }

  function swap(doc) {
    const active = document.activeElement;
    const activeId = active && active.id && active.closest('[data-live-region]') ? active.id : '';
    const open = Array.from(document.querySelectorAll('[data-live-region] details[open]')).map((d) => d.id).filter(Boolean);
    const x = window.scrollX;
    const y = window.scrollY;
    for (const fresh of doc.querySelectorAll('[data-live-region]')) {
      const name = fresh.dataset.liveRegion;
      const region = page.querySelector('[data-live-region="' + name + '"]');
      if (!region) continue;
      if (region.querySelector('dialog[open]')) { heldBack = true; continue; }  // never pull a dialog from under the user
      region.replaceChildren(...Array.from(fresh.childNodes, (n) => document.importNode(n, true)));
    }
    for (const id of open) { const d = document.getElementById(id); if (d) d.open = true; }
    applyTable();
    if (window.KunrenResults) window.KunrenResults.apply();
    window.scrollTo(x, y);
    if (activeId) { const el = document.getElementById(activeId); if (el) el.focus({ preventScroll: true }); }
    const stamp = doc.querySelector('[data-live-updated]');
    if (stamp && updated) updated.textContent = stamp.dataset.liveUpdated;
  }

  // At most one fetch a second; events arriving meanwhile cause one more.
  // A saved draft changes only the status; anything else may change the
  // pooled results too, which are fetched then (wantResults).
  let wanted = false;
  let wantResults = false;
  let running = false;
  let timer = null;
  let last = 0;
  let heldBack = false;
  function refreshSoon() {
    wanted = true;
    if (running || timer) return;
    timer = setTimeout(run, Math.max(0, 1000 - (Date.now() - last)));
  }
  async function run() {
    timer = null;
    if (!wanted) return;
    wanted = false;
    const all = wantResults;
    wantResults = false;
    running = true;
    last = Date.now();
    try {
      heldBack = false;
      const doc = await fetchRegions(all);
      if (doc) swap(doc);
    } catch (err) {
      K.toast(K.t('campaign.refresh_failed'), true);
      wanted = true;
      wantResults = wantResults || all;
    } finally {
      running = false;
      if (wanted) refreshSoon();
    }
  }
  async function refreshNow() {
    last = 0;
    wanted = true;
    wantResults = true;
    if (timer) { clearTimeout(timer); timer = null; }
    if (!running) await run();
  }

  applyTable();
  if (eventsUrl && 'EventSource' in window) {
    const source = new EventSource(eventsUrl);
    source.onopen = () => setLive('live');
    source.onerror = () => setLive(source.readyState === EventSource.CLOSED ? 'off' : 'reconnecting');
    let announced = 0;
    const onEvent = (e) => {
      setLive('live');
      let draftOnly = false;
      if (e.type === 'revision') {
        try { draftOnly = JSON.parse(e.data).state === 'draft'; } catch (err) { draftOnly = false; }
      }
      if (!draftOnly) wantResults = true;
      refreshSoon();
      // Say it once in a while, not on every save.
      if (e.type !== 'hello' && Date.now() - announced > 30000) {
        announced = Date.now();
        announce(K.t('campaign.updated_announce'));
      }
    };
    for (const name of ['hello', 'resync', 'revision', 'campaign']) source.addEventListener(name, onEvent);
    window.addEventListener('pagehide', () => source.close());
  }
})();
