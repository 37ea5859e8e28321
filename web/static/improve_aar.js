// The after-action report page: print, and the improvement plan edited
// inline — rows added (blank or from the suggestions), removed, and the
// whole plan saved with PUT …/prepare/improvement-plan on the revision the
// page was loaded with (409: someone saved first → reload).
'use strict';
(function () {
  const { api, t, toast } = window.Kunren;
  const printButton = document.getElementById('print-aar');
  if (printButton) printButton.addEventListener('click', () => window.print());

  const section = document.getElementById('aar-plan');
  const rows = document.getElementById('plan-rows');
  const saveButton = document.getElementById('plan-save');
  if (!section || !rows || !saveButton) return;
  const state = document.getElementById('plan-state');
  let baseNo = Number(section.dataset.baseNo || 0);
  const today = section.dataset.today || '';

  function fill(text, values) {
    return Object.keys(values).reduce((s, k) => s.split('{' + k + '}').join(String(values[k])), text);
  }
  function idNumber(id) {
    const m = /^IP-(\d+)$/.exec(id || '');
    return m ? Number(m[1]) : 0;
  }
  function nextId() {
    let max = 0;
    for (const row of rows.querySelectorAll('.plan-row')) max = Math.max(max, idNumber(row.querySelector('.plan-id').textContent.trim()));
    return 'IP-' + String(max + 1).padStart(3, '0');
  }
  function markDirty() { if (state) state.textContent = ''; }
  function wire(row) {
    const remove = row.querySelector('.plan-remove');
    if (remove) remove.addEventListener('click', () => { row.remove(); markDirty(); });
    row.addEventListener('input', markDirty);
  }
  rows.querySelectorAll('.plan-row').forEach(wire);
  const empty = document.getElementById('plan-empty');

  const add = document.getElementById('plan-add');
  if (add) {
    add.addEventListener('click', () => {
      const tpl = document.getElementById('plan-blank');
      const row = tpl.content.firstElementChild.cloneNode(true);
      row.querySelector('.plan-id').textContent = nextId();
      rows.appendChild(row);
      wire(row);
      if (empty) empty.hidden = true;
      row.querySelector('.plan-issue').focus();
    });
  }
  const addSuggested = document.getElementById('plan-add-suggested');
  if (addSuggested) {
    addSuggested.addEventListener('click', () => {
      const tpl = document.getElementById('plan-suggested');
      const taken = new Set(Array.from(rows.querySelectorAll('.plan-id')).map((e) => e.textContent.trim()));
      let n = 0;
      for (const proto of Array.from(tpl.content.querySelectorAll('.plan-row'))) {
        const row = proto.cloneNode(true);
        const idEl = row.querySelector('.plan-id');
        if (taken.has(idEl.textContent.trim())) idEl.textContent = nextId();
        row.classList.add('is-new');
        rows.appendChild(row);
        wire(row);
        taken.add(idEl.textContent.trim());
        n += 1;
      }
      addSuggested.disabled = true;
      if (empty && n) empty.hidden = true;
      toast(fill(t('improve.plan.added'), { n }));
    });
  }

  // The plan as the page shows it: each row's stored fields, with the
  // edited ones replaced.
  function collect() {
    const items = [];
    for (const row of rows.querySelectorAll('.plan-row')) {
      let item = {};
      try { item = JSON.parse(row.dataset.item || '{}') || {}; } catch (e) { item = {}; }
      item.id = row.querySelector('.plan-id').textContent.trim();
      item.issue = row.querySelector('.plan-issue').value.trim();
      item.action = row.querySelector('.plan-action').value.trim();
      item.element = row.querySelector('.plan-element').value;
      item.owner = row.querySelector('.plan-owner').value.trim();
      item.due = row.querySelector('.plan-due').value;
      item.status = row.querySelector('.plan-status').value;
      if (item.status === 'done' && !item.completed) item.completed = today;
      if (item.status !== 'done') delete item.completed;
      for (const k of Object.keys(item)) if (item[k] === '') delete item[k];
      items.push({ row, item });
    }
    return items;
  }

  saveButton.addEventListener('click', async () => {
    const items = collect();
    for (const { row } of items) row.classList.remove('has-error');
    const blank = items.find((x) => !x.item.issue);
    if (blank) {
      blank.row.classList.add('has-error');
      blank.row.querySelector('.plan-issue').focus();
      toast(t('improve.plan.need_issue'), true);
      return;
    }
    saveButton.disabled = true;
    if (state) state.textContent = t('improve.plan.saving');
    try {
      const saved = await api('PUT', section.dataset.api, { base_no: baseNo, document: { items: items.map((x) => x.item) } });
      baseNo = saved && saved.no ? saved.no : baseNo + 1;
      section.dataset.baseNo = String(baseNo);
      items.forEach(({ row, item }) => { row.dataset.item = JSON.stringify(item); row.classList.remove('is-new'); });
      if (state) state.textContent = fill(t('improve.plan.saved'), { no: baseNo });
      toast(fill(t('improve.plan.saved'), { no: baseNo }));
    } catch (e) {
      if (e.status === 409) {
        toast(t('improve.plan.stale'), true);
        setTimeout(() => location.reload(), 1500);
        return;
      }
      const m = /items\[(\d+)\]/.exec(e.field || '');
      if (m && items[Number(m[1])]) items[Number(m[1])].row.classList.add('has-error');
      if (state) state.textContent = '';
      toast(e.message, true);
    } finally {
      saveButton.disabled = false;
    }
  });
})();
