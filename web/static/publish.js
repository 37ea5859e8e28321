// The review before publishing (/campaigns/{id}/publish). Saving sends the
// TLP marking, the word list and the ticked "leave out" boxes as one PUT of
// the publication settings, based on the revision the page was rendered at:
// a 409 means another coordinator saved first (reload), a 422 names the
// field ("words" carries the line of the word list). After a save the page
// reloads, so what it shows is again exactly what would be published.
'use strict';
(function () {
  const K = window.Kunren;
  const ctxEl = document.getElementById('publish-context');
  const form = document.getElementById('publish-form');
  if (!ctxEl || !form) return;
  const ctx = JSON.parse(ctxEl.textContent);
  const tx = (key, values) => {
    let s = K.t('publish.' + key);
    for (const [k, v] of Object.entries(values || {})) s = s.split('{' + k + '}').join(String(v));
    return s;
  };
  const errorBox = document.getElementById('publish-error');
  const stale = document.getElementById('publish-stale');

  function clearErrors() {
    errorBox.hidden = true;
    stale.hidden = true;
    for (const el of form.querySelectorAll('[data-error-for]')) el.hidden = true;
  }

  function showError(err) {
    if (err.status === 409 && err.field === 'expected_no') {
      stale.hidden = false;
      return;
    }
    const slot = err.field ? form.querySelector('[data-error-for="' + err.field + '"]') : null;
    const target = slot || errorBox;
    target.textContent = err.message;
    target.hidden = false;
    const input = err.field ? form.querySelector('[name="' + err.field + '"]') : null;
    if (input) input.focus();
  }

  // Ticking a box shows at once what leaving the excerpt out means.
  for (const box of form.querySelectorAll('input[name="excluded"]')) {
    box.addEventListener('change', () => box.closest('tr').classList.toggle('is-excluded', box.checked));
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    const buttons = form.querySelectorAll('button[type="submit"]');
    for (const b of buttons) b.disabled = true;
    const body = {
      base_no: ctx.base_no,
      tlp: form.querySelector('[name="tlp"]').value,
      words: form.querySelector('[name="words"]').value,
      excluded: Array.from(form.querySelectorAll('input[name="excluded"]:checked')).map((b) => b.value),
    };
    try {
      const res = await K.api('PUT', ctx.api + '/publication', body);
      K.toast(tx('saved', { no: res.publication.no }));
      setTimeout(() => location.reload(), 600);
    } catch (err) {
      showError(err);
      for (const b of buttons) b.disabled = false;
    }
  });

  document.getElementById('publish-reload').addEventListener('click', () => location.reload());

  const publishNow = document.getElementById('publish-now');
  if (publishNow) {
    publishNow.addEventListener('click', async () => {
      if (!window.confirm(tx('publish_confirm'))) return;
      publishNow.disabled = true;
      try {
        await K.api('POST', ctx.api + '/state', { state: 'published' });
        K.toast(tx('published'));
        setTimeout(() => location.reload(), 600);
      } catch (err) {
        showError(err);
        publishNow.disabled = false;
      }
    });
  }
})();
