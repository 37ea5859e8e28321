// Password change: PUT /api/v1/me/password. The server ends every other
// session of this user and gives this browser a new one (new CSRF token).
'use strict';
(function () {
  const { api, t, toast } = window.Kunren;
  const form = document.getElementById('password-form');
  const error = document.getElementById('password-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const current = form.querySelector('#current').value;
    const n1 = form.querySelector('#new1').value;
    const n2 = form.querySelector('#new2').value;
    if (n1 !== n2) {
      error.textContent = t('account.mismatch');
      error.hidden = false;
      return;
    }
    try {
      const res = await api('PUT', '/api/v1/me/password', { current_password: current, new_password: n1 });
      const meta = document.querySelector('meta[name="csrf-token"]');
      if (meta && res && res.csrf_token) meta.content = res.csrf_token;
      form.reset();
      toast(t('account.changed'));
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  });
})();
