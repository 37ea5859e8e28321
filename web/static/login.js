// The sign-in form: POST /api/v1/session, then on to ?next= (a local path,
// checked by the server when it rendered the page).
'use strict';
(function () {
  const { api, t } = window.Kunren;
  const form = document.getElementById('login-form');
  const error = document.getElementById('login-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const login = form.login.value.trim();
    const password = form.password.value;
    if (!login || !password) {
      error.textContent = t('login.required');
      error.hidden = false;
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api('POST', '/api/v1/session', { login, password });
      location.href = form.dataset.next || '/';
    } catch (e) {
      const key = { 401: 'login.invalid', 429: 'login.throttled', 403: 'login.disabled' }[e.status];
      error.textContent = key ? t(key) : e.message;
      error.hidden = false;
      form.password.value = '';
      form.password.focus();
    } finally {
      button.disabled = false;
    }
  });
})();
