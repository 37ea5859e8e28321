// The editor of one preparedness record (/orgs/{org}/prepare/{kind}).
// The server renders the form; this script adds and removes rows (from the
// <template data-row-template> of each list), moves ordered rows, keeps the
// contact tree's stand-in choices and "stale" marks current, and on save
// turns the form back into the document JSON and PUTs it with the revision
// it started from. A 422 names the field ("document.entries[2].last_confirmed"):
// its message is shown next to that input; a 409 means someone else saved
// first and offers a reload.
//
// The form is described by data attributes only:
//   data-field="name"  a value of the enclosing row (or of the document);
//                      "a.b" sets a nested object; data-type int | bool |
//                      lines (one string per line) | checks (checked values) | json
//   data-list="name"   a list of rows ([data-row]) of the enclosing row or document
//   data-skip-blank    on a list: rows whose fields are all blank are left out
//   data-id-prefix     an id made up for a new row that has none
'use strict';
(function () {
  const K = window.Kunren;
  const tx = (key, values) => {
    let s = K.t('prepare.' + key);
    for (const [k, v] of Object.entries(values || {})) s = s.split('{' + k + '}').join(String(v));
    return s;
  };
  const form = document.getElementById('prep-form');
  const ctxEl = document.getElementById('prep-context');
  if (!form || !ctxEl) return;
  const ctx = JSON.parse(ctxEl.textContent);
  let baseNo = ctx.base_no;
  let dirty = false;

  // --- reading the form ----------------------------------------------------------
  // The row or document an element belongs to.
  const scopeOf = (el) => el.parentElement.closest('[data-row]') || form;
  const own = (scope, selector) => Array.from(scope.querySelectorAll(selector)).filter((el) => scopeOf(el) === scope);
  const rowsOf = (list) => Array.from(list.children).filter((el) => el.matches('[data-row]'));

  function setPath(obj, path, value) {
    const parts = path.split('.');
    let node = obj;
    for (const p of parts.slice(0, -1)) node = node[p] = node[p] || {};
    node[parts[parts.length - 1]] = value;
  }

  function valueOf(el) {
    const type = el.dataset.type || '';
    if (type === 'bool') return el.checked;
    if (type === 'int') {
      const v = el.value.trim();
      return v === '' ? 0 : (/^-?\d+$/.test(v) ? parseInt(v, 10) : v);
    }
    if (type === 'lines') return el.value.split('\n').map((x) => x.trim()).filter((x) => x);
    if (type === 'json') {
      try { return el.value ? JSON.parse(el.value) : []; } catch (e) { return []; }
    }
    return el.value.trim();
  }

  // Blank values are left out (the canonical form leaves out empty optional fields).
  function blank(v) {
    return v === '' || (Array.isArray(v) && v.length === 0);
  }

  function collect(scope) {
    const out = {};
    const checks = {};
    for (const el of own(scope, '[data-field]')) {
      const name = el.dataset.field;
      if (el.dataset.type === 'checks') {
        checks[name] = checks[name] || [];
        if (el.checked) checks[name].push(el.value);
        continue;
      }
      const v = valueOf(el);
      if (blank(v)) continue;
      setPath(out, name, v);
    }
    for (const [name, values] of Object.entries(checks)) out[name] = values;
    for (const list of own(scope, '[data-list]')) {
      const rows = [];
      let index = 0;
      for (const row of rowsOf(list)) {
        const item = collect(row);
        if (list.hasAttribute('data-skip-blank') && isBlankRow(row, item)) {
          delete row.dataset.index;
          continue;
        }
        row.dataset.index = String(index++);
        rows.push(item);
      }
      setPath(out, list.dataset.list, rows);
    }
    return out;
  }

  // A row whose only values are the ones kept for it (data-keep).
  function isBlankRow(row, item) {
    const kept = new Set(own(row, '[data-keep]').map((el) => el.dataset.field));
    return Object.keys(item).every((k) => kept.has(k));
  }

  // --- rows -----------------------------------------------------------------------
  function templateFor(name) {
    return document.querySelector('template[data-row-template="' + name + '"]');
  }

  function newRow(name) {
    const tpl = templateFor(name);
    if (!tpl) return null;
    const row = tpl.content.firstElementChild.cloneNode(true);
    for (const el of row.querySelectorAll('[data-id-prefix]')) {
      if (!el.value) el.value = freshId(el.dataset.field, el.dataset.idPrefix);
    }
    return row;
  }

  // The next free id with this prefix among the fields of this name.
  function freshId(field, prefix) {
    const used = new Set(Array.from(form.querySelectorAll('[data-field="' + field + '"]')).map((el) => el.value));
    for (let n = 1; ; n++) {
      const id = prefix + String(n).padStart(prefix.endsWith('-') ? 3 : 2, '0');
      if (!used.has(id)) return id;
    }
  }

  function renumber() {
    for (const list of form.querySelectorAll('[data-list][data-numbered]')) {
      rowsOf(list).forEach((row, i) => {
        const no = row.querySelector('[data-row-no]');
        if (no) no.textContent = String(i + 1);
      });
    }
  }

  function changed() {
    dirty = true;
    document.getElementById('prep-save-status').textContent = tx('edit.unsaved');
  }

  form.addEventListener('click', (ev) => {
    const add = ev.target.closest('[data-add]');
    if (add) {
      const name = add.dataset.add;
      const list = own(scopeOf(add), '[data-list="' + name + '"]')[0] || form.querySelector('[data-list="' + name + '"]');
      const row = newRow(name);
      if (!list || !row) return;
      list.appendChild(row);
      afterRowsChanged();
      const first = row.querySelector('input:not([type=hidden]):not([type=checkbox]), textarea, select');
      if (first) first.focus();
      changed();
      return;
    }
    const remove = ev.target.closest('[data-remove]');
    if (remove) {
      const row = remove.closest('[data-row]');
      if (!row) return;
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      afterRowsChanged();
      const focus = next && next.querySelector('input:not([type=hidden]), textarea, select');
      if (focus) focus.focus();
      changed();
      return;
    }
    const move = ev.target.closest('[data-move]');
    if (move) {
      const row = move.closest('[data-row]');
      if (!row) return;
      if (move.dataset.move === '-1' && row.previousElementSibling) row.parentElement.insertBefore(row, row.previousElementSibling);
      if (move.dataset.move === '1' && row.nextElementSibling) row.parentElement.insertBefore(row.nextElementSibling, row);
      move.focus();
      afterRowsChanged();
      changed();
      return;
    }
    const today = ev.target.closest('[data-confirm-today]');
    if (today) {
      const input = today.parentElement.querySelector('[data-field="last_confirmed"]');
      if (input) {
        input.value = localToday();
        markStale();
        changed();
      }
    }
  });

  form.addEventListener('input', (ev) => {
    changed();
    const el = ev.target;
    clearFieldError(el);
    if (el.matches('[data-field="id"], [data-field="name"]') && el.closest('.prep-entry')) refreshBackups();
    if (el.matches('[data-field="last_confirmed"], [data-field="stale_after_days"]')) markStale();
  });
  form.addEventListener('change', (ev) => {
    if (ev.target.matches('select, input[type=checkbox], input[type=date]')) changed();
  });

  function localToday() {
    const d = new Date();
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }

  // --- contact tree -------------------------------------------------------------
  function refreshBackups() {
    const entries = Array.from(form.querySelectorAll('.prep-entry'));
    const people = entries.map((row) => ({
      id: (row.querySelector('[data-field="id"]') || {}).value || '',
      name: (row.querySelector('[data-field="name"]') || {}).value || '',
    }));
    entries.forEach((row, i) => {
      const select = row.querySelector('[data-backup]');
      if (!select) return;
      const current = select.value;
      const none = select.options[0] ? select.options[0].textContent : '';
      const options = [new Option(none, '')];
      people.forEach((p, j) => {
        if (j === i || !p.id.trim()) return;
        options.push(new Option(p.name.trim() || p.id, p.id.trim()));
      });
      select.replaceChildren(...options);
      select.value = options.some((o) => o.value === current) ? current : '';
    });
  }

  function markStale() {
    const daysEl = form.querySelector('[data-field="stale_after_days"]');
    if (!daysEl) return;
    const days = parseInt(daysEl.value, 10) || 180;
    const today = new Date(ctx.today + 'T00:00:00Z');
    for (const row of form.querySelectorAll('.prep-entry')) {
      const v = (row.querySelector('[data-field="last_confirmed"]') || {}).value || '';
      const when = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(v + 'T00:00:00Z') : null;
      const stale = !when || (today - when) / 86400000 > days;
      row.classList.toggle('is-stale', stale);
      const tag = row.querySelector('[data-stale-tag]');
      if (tag) tag.hidden = !stale;
    }
  }

  // --- criteria: adding a decision point ------------------------------------------
  const dpChoose = document.getElementById('dp-choose');
  const dpAdd = document.getElementById('dp-add');
  function refreshDpChoices() {
    if (!dpChoose) return;
    const present = new Set(Array.from(form.querySelectorAll('[data-field="decision_point"]')).map((el) => el.value));
    let any = false;
    for (const o of dpChoose.options) {
      o.hidden = o.disabled = present.has(o.value);
      if (!o.disabled && !any) { dpChoose.value = o.value; any = true; }
    }
    if (dpAdd) dpAdd.disabled = !any;
    const all = document.getElementById('dp-all-added');
    if (all) all.hidden = any;
  }
  if (dpAdd) {
    dpAdd.addEventListener('click', () => {
      const opt = dpChoose.selectedOptions[0];
      if (!opt || opt.disabled) return;
      const row = newRow('points');
      row.querySelector('[data-field="decision_point"]').value = opt.value;
      row.querySelector('[data-dp-id]').textContent = opt.value;
      row.querySelector('[data-dp-label]').textContent = opt.dataset.label || '';
      // Keep the order of the scenario's decision points.
      const list = form.querySelector('[data-list="points"]');
      const order = Array.from(dpChoose.options).map((o) => o.value);
      const at = order.indexOf(opt.value);
      const before = rowsOf(list).find((r) => order.indexOf(r.querySelector('[data-field="decision_point"]').value) > at);
      list.insertBefore(row, before || null);
      afterRowsChanged();
      row.querySelector('[data-field="who"]').focus();
      changed();
    });
  }

  function afterRowsChanged() {
    renumber();
    refreshBackups();
    refreshDpChoices();
    markStale();
  }

  // --- errors -----------------------------------------------------------------------
  // The input a field path names: "entries[2].channels[0].value", "reporter.name", "steps".
  function fieldElement(path) {
    let scope = form;
    const parts = path.replace(/^document\.?/, '').match(/[^.[\]]+|\[\d+\]/g) || [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const rest = parts.slice(i).filter((p) => !p.startsWith('[')).join('.');
      const field = own(scope, '[data-field="' + rest + '"]')[0];
      if (field && !parts.slice(i).some((p) => p.startsWith('['))) return field;
      const list = own(scope, '[data-list="' + part + '"]')[0];
      if (!list) return own(scope, '[data-field="' + part + '"]')[0] || (scope === form ? null : scope);
      const index = parts[i + 1] && parts[i + 1].startsWith('[') ? parts[i + 1].slice(1, -1) : null;
      if (index === null) return list;
      const row = rowsOf(list).find((r) => r.dataset.index === index) || rowsOf(list)[Number(index)];
      if (!row) return list;
      scope = row;
      i++;
    }
    return scope === form ? null : scope;
  }

  function clearFieldError(el) {
    if (el.getAttribute('aria-invalid') !== 'true') return;
    el.removeAttribute('aria-invalid');
    const msg = document.getElementById(el.getAttribute('aria-describedby') || '');
    if (msg && msg.classList.contains('field-error')) msg.remove();
    el.removeAttribute('aria-describedby');
  }

  function clearErrors() {
    for (const el of form.querySelectorAll('[aria-invalid="true"]')) clearFieldError(el);
    for (const el of form.querySelectorAll('.field-error')) el.remove();
    const box = document.getElementById('prep-error');
    box.hidden = true;
    box.textContent = '';
  }

  let errorSeq = 0;
  function showError(err) {
    const box = document.getElementById('prep-error');
    const el = err.field ? fieldElement(err.field) : null;
    box.textContent = tx('edit.errors') + ' ' + err.message;
    box.hidden = false;
    if (el) {
      const msg = document.createElement('p');
      msg.className = 'field-error';
      msg.id = 'field-error-' + (++errorSeq);
      msg.setAttribute('role', 'alert');
      msg.textContent = err.message;
      const target = el.matches('input, select, textarea') ? el : el.querySelector('input:not([type=hidden]), select, textarea');
      if (target) {
        target.setAttribute('aria-invalid', 'true');
        target.setAttribute('aria-describedby', msg.id);
        target.insertAdjacentElement('afterend', msg);
        target.scrollIntoView({ block: 'center' });
        target.focus();
        return;
      }
      el.insertAdjacentElement('afterbegin', msg);
      el.scrollIntoView({ block: 'center' });
    }
    box.focus();
  }

  // --- saving -------------------------------------------------------------------------
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!ctx.can_edit) return;
    clearErrors();
    const button = document.getElementById('prep-save');
    const status = document.getElementById('prep-save-status');
    const doc = collect(form);
    button.disabled = true;
    status.textContent = tx('edit.saving');
    try {
      const saved = await K.api('PUT', ctx.api, { base_no: baseNo, document: doc });
      baseNo = saved.no;
      dirty = false;
      status.textContent = tx('edit.saved', { no: saved.no });
      const latest = document.getElementById('prep-latest');
      if (latest) {
        latest.textContent = tx('edit.latest', { no: saved.no, at: String(saved.at).slice(0, 16).replace('T', ' '), author: String(saved.author).replace(/^user:/, '') });
        latest.classList.add('prep-saved');
        latest.classList.remove('prep-never');
      }
      K.toast(tx('edit.saved', { no: saved.no }));
    } catch (err) {
      status.textContent = '';
      if (err.status === 409 && err.code === 'stale') {
        const banner = document.getElementById('prep-stale');
        document.getElementById('prep-stale-text').textContent = tx('edit.stale_body', { no: '?' });
        K.api('GET', ctx.api).then((latest) => {
          document.getElementById('prep-stale-text').textContent = tx('edit.stale_body', { no: latest.no });
        }).catch(() => {});
        banner.hidden = false;
        banner.focus();
      } else if (err.status === 400 || err.status === 422) {
        showError(err);
      } else {
        K.toast(err.message || K.t('common.save_failed'), true);
      }
    } finally {
      button.disabled = false;
    }
  });

  const reload = document.getElementById('prep-reload');
  if (reload) reload.addEventListener('click', () => { dirty = false; location.href = location.pathname; });
  const print = document.getElementById('prep-print');
  if (print) print.addEventListener('click', () => window.print());
  window.addEventListener('beforeunload', (ev) => {
    if (!dirty) return;
    ev.preventDefault();
    ev.returnValue = '';
  });

  renumber();
  refreshDpChoices();
  document.getElementById('prep-save-status').textContent = '';
})();
