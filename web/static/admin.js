// Shared by the administrator's pages (users, organisations): dialogs that
// take the focus and give it back to the button that opened them, API errors
// shown in words at the field they name, the live filter of a table (its URL
// kept linkable), and a message that survives the reload after a change.
// The pages are complete without this script; it only adds the editing.
'use strict';
(function () {
  const { t, toast } = window.Kunren;
  const FLASH_KEY = 'kunren.admin.flash';

  // fill('{n} selected', {n: 3}) → '3 selected'
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m));
  }

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  // Shows the elements of `root` marked data-mode="<mode>" and hides the others.
  function setMode(root, mode) {
    root.querySelectorAll('[data-mode]').forEach((el) => { el.hidden = el.dataset.mode !== mode; });
    root.dataset.currentMode = mode;
  }

  function openDialog(dialog, opener) {
    dialog.kunrenOpener = opener || document.activeElement;
    if (!dialog.open) dialog.showModal();
    const first = Array.from(dialog.querySelectorAll(
      'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])'))
      .find(visible);
    if (first) first.focus();
  }

  function wireDialog(dialog) {
    dialog.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => dialog.close()));
    dialog.addEventListener('close', () => {
      const opener = dialog.kunrenOpener;
      if (opener && document.contains(opener)) opener.focus();
    });
  }

  // The error in the page's language: by code first, then by field, else
  // the server's own message.
  function messageFor(err) {
    if (!err || err.status === undefined) return t('common.save_failed');
    if (err.status === 0) return err.message;
    if (err.status === 403 && err.code === 'csrf') return t('admin.errors.csrf');
    if (err.status === 403) return t('admin.errors.forbidden');
    if (err.status === 404) return t('admin.errors.not_found');
    if (err.code === 'bad_json') return t('admin.errors.bad_json');
    const keys = [];
    if (err.code === 'exists') keys.push('admin.errors.exists_' + err.field);
    if (err.code === 'own_account' || err.code === 'last_admin') keys.push('admin.errors.' + err.code);
    if (err.field) keys.push('admin.errors.field_' + err.field);
    for (const k of keys) {
      const s = t(k);
      if (s !== k) return s;
    }
    return err.message || t('common.save_failed');
  }

  function clearErrors(scope) {
    scope.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    scope.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
    scope.querySelectorAll('.field-error, .form-error').forEach((el) => { el.hidden = true; el.textContent = ''; });
  }

  // Shows `err` in `box` (role=alert) and at the field it names, if the
  // form has one (data-field="…"), which then takes the focus.
  function showError(form, box, err) {
    const message = messageFor(err);
    box.textContent = '';
    const main = document.createElement('p');
    main.textContent = message;
    box.appendChild(main);
    if (err && err.message && err.message !== message && err.status >= 400 && err.status < 500 && err.status !== 403) {
      const detail = document.createElement('p');
      detail.className = 'small';
      detail.textContent = t('admin.errors.server_said') + ': ' + err.message;
      box.appendChild(detail);
    }
    box.hidden = false;
    const target = err && err.field ? form.querySelector('[data-field="' + CSS.escape(err.field) + '"]') : null;
    if (!target || !visible(target)) return;
    const slot = target.tagName === 'FIELDSET'
      ? target.querySelector('.field-error')
      : document.getElementById(target.id + '-error');
    if (slot) {
      slot.textContent = message;
      slot.hidden = false;
    }
    if (target.tagName === 'FIELDSET') {
      target.classList.add('invalid');
      const first = target.querySelector('input:not([disabled])');
      if (first) first.focus();
    } else {
      target.setAttribute('aria-invalid', 'true');
      target.focus();
    }
  }

  // A form-level problem found before asking the server (e.g. passwords differ).
  function localError(form, box, field, message) {
    showError(form, box, { status: 422, code: 'bad_input', field, message: '' });
    box.firstChild.textContent = message;
    const target = form.querySelector('[data-field="' + CSS.escape(field) + '"]');
    const slot = target && document.getElementById(target.id + '-error');
    if (slot) slot.textContent = message;
  }

  // Runs `work` with the form's submit button disabled.
  async function busy(button, work) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      return await work();
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  // After a change: reload the page (the server renders the truth) and show
  // `message` there, focusing the element `focusSelector` names.
  function reloadWith(message, focusSelector) {
    try {
      sessionStorage.setItem(FLASH_KEY, JSON.stringify({ message, focus: focusSelector || '' }));
    } catch (e) { /* private mode: no message after the reload */ }
    location.reload();
  }

  function showFlash() {
    let flash = null;
    try {
      flash = JSON.parse(sessionStorage.getItem(FLASH_KEY) || 'null');
      sessionStorage.removeItem(FLASH_KEY);
    } catch (e) { flash = null; }
    if (!flash) return;
    toast(flash.message);
    if (flash.focus) {
      const el = document.querySelector(flash.focus);
      if (el) {
        el.focus();
        el.scrollIntoView({ block: 'center' });
      }
    }
  }

  // The search form of a table filters its rows as one types (the same
  // match as the server: lower-cased text of the row's data-search), and
  // keeps ?q= in the address so the view can be linked.
  function wireTableFilter(form) {
    const table = document.getElementById(form.dataset.filterTable);
    const input = form.querySelector('input[type=search]');
    const count = document.getElementById(form.dataset.filterTable + '-count');
    const empty = document.getElementById(form.dataset.filterTable + '-empty');
    if (!table || !input) return;
    const rows = Array.from(table.tBodies[0].rows);
    const apply = () => {
      const needle = input.value.trim().toLowerCase();
      let shown = 0;
      for (const row of rows) {
        const match = !needle || (row.dataset.search || '').includes(needle);
        row.hidden = !match;
        if (match) shown += 1;
      }
      if (count && count.dataset.template) count.textContent = fill(count.dataset.template, { shown, total: rows.length });
      if (empty) empty.hidden = shown !== 0 || rows.length === 0;
      const url = new URL(location.href);
      if (needle) url.searchParams.set('q', input.value.trim()); else url.searchParams.delete('q');
      history.replaceState(null, '', url.pathname + url.search);
    };
    input.addEventListener('input', apply);
    form.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
  }

  document.querySelectorAll('form[data-filter-table]').forEach(wireTableFilter);
  showFlash();

  window.KunrenAdmin = { fill, setMode, openDialog, wireDialog, clearErrors, showError, localError, busy, reloadWith, messageFor };
})();
