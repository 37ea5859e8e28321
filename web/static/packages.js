// The offline packages page: posts the chosen .kunren file's bytes to the
// upload route (application/octet-stream, with the CSRF header as every
// state-changing request), shows the outcome or the error with the field it
// names, and reloads the list after an import.
'use strict';
(function () {
  const { t, toast } = window.Kunren;
  const root = document.querySelector('.packages-page');
  const form = document.getElementById('package-form');
  if (!root || !form) return;
  const input = document.getElementById('package-file');
  const error = document.getElementById('package-error');
  const result = document.getElementById('package-result');
  const submit = document.getElementById('package-submit');

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }
  function showError(message, field) {
    error.textContent = field ? message + ' (' + t('packages.error_field') + ': ' + field + ')' : message;
    error.hidden = false;
    result.hidden = true;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    result.hidden = true;
    const file = input.files && input.files[0];
    if (!file) { showError(t('packages.choose_file')); input.focus(); return; }
    const url = root.dataset.uploadUrl + '?filename=' + encodeURIComponent(file.name);
    submit.disabled = true;
    submit.textContent = t('packages.uploading');
    let res, data = null;
    try {
      res = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Accept': 'application/json',
          'Content-Type': 'application/octet-stream',
          'X-CSRF-Token': window.Kunren.csrf(),
        },
        body: file,
      });
      const text = await res.text();
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    } catch (e) {
      showError(t('common.network_error'));
      submit.disabled = false;
      submit.textContent = t('packages.upload');
      return;
    }
    submit.disabled = false;
    submit.textContent = t('packages.upload');
    if (res.status === 401) { location.href = '/login?next=' + encodeURIComponent(location.pathname); return; }
    if (!res.ok) {
      const err = (data && data.error) || {};
      showError(res.status === 413 ? t('packages.too_large') : (err.message || ('HTTP ' + res.status)), err.field);
      return;
    }
    data = data || {};
    const pkg = data.package || {};
    let message;
    if (data.duplicate) message = fill(t('packages.done_duplicate'), { at: (pkg.imported_at || '').replace('T', ' ').slice(0, 16) + ' UTC' });
    else if (data.created) message = fill(t('packages.done_revision'), { org: data.org, file: file.name });
    else message = fill(t('packages.done_unchanged'), { org: data.org, file: file.name });
    result.textContent = message;
    result.hidden = false;
    toast(message);
    if (!data.duplicate) setTimeout(() => location.reload(), 1500);
  });
})();
