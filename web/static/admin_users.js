// /admin/users: the user dialog. "Add user" creates one (POST
// /api/v1/users); "Edit" loads a user (GET /api/v1/users/{login}) and offers
// three separate changes, each one request: roles and organisations (PATCH),
// a new password (POST …/password), and disabling — after an explicit
// confirmation — or enabling (PATCH {disabled}). The server refuses what
// would lock administrators out; the dialog also says so beforehand.
'use strict';
(function () {
  const { api, t, toast } = window.Kunren;
  const A = window.KunrenAdmin;
  const dialog = document.getElementById('user-dialog');
  if (!dialog) return;
  const form = document.getElementById('user-form');
  const formError = document.getElementById('user-form-error');
  const pwForm = document.getElementById('password-form');
  const pwError = document.getElementById('password-form-error');
  const statusError = document.getElementById('status-error');
  const orgFilter = document.getElementById('u-orgs-filter');
  const orgCount = document.getElementById('u-orgs-count');
  const confirmBox = document.getElementById('disable-confirm');
  const disableBtn = document.getElementById('disable-user');
  const enableBtn = document.getElementById('enable-user');
  let current = null;  // the user being edited (API JSON), null when adding

  A.wireDialog(dialog);

  const roleBoxes = () => Array.from(form.querySelectorAll('input[name=role]'));
  const orgBoxes = () => Array.from(form.querySelectorAll('input[name=org]'));
  const checked = (boxes) => boxes.filter((b) => b.checked).map((b) => b.value);
  const enc = encodeURIComponent;
  const rowButton = (login) => '[data-edit="' + CSS.escape(login) + '"]';

  function updateOrgCount() {
    if (!orgCount) return;
    orgCount.textContent = A.fill(orgCount.dataset.template, { n: checked(orgBoxes()).length });
  }

  function filterOrgs() {
    const needle = orgFilter ? orgFilter.value.trim().toLowerCase() : '';
    orgBoxes().forEach((box) => {
      const label = box.closest('label');
      label.hidden = !!needle && !(label.dataset.search || '').includes(needle) && !box.checked;
    });
  }

  function resetAll() {
    form.reset();
    pwForm.reset();
    A.clearErrors(dialog);
    confirmBox.hidden = true;
    if (orgFilter) orgFilter.value = '';
    roleBoxes().forEach((b) => { b.disabled = false; });
    document.getElementById('u-own-admin').hidden = true;
    filterOrgs();
  }

  function openAdd(opener) {
    current = null;
    resetAll();
    A.setMode(dialog, 'add');
    updateOrgCount();
    A.openDialog(dialog, opener);
  }

  async function openEdit(login, opener) {
    let user;
    try {
      user = await api('GET', '/api/v1/users/' + enc(login));
    } catch (e) {
      toast(t('admin.users.loading_failed') + ' ' + A.messageFor(e), true);
      return;
    }
    current = user;
    resetAll();
    A.setMode(dialog, 'edit');
    const row = document.querySelector('tr[data-login="' + CSS.escape(login) + '"]');
    const self = !!(row && row.dataset.self);
    document.getElementById('user-dialog-login').textContent = user.login +
      (user.display_name && user.display_name !== user.login ? ' (' + user.display_name + ')' : '');
    roleBoxes().forEach((b) => {
      b.checked = user.roles.includes(b.value);
      if (self && b.hasAttribute('data-admin-role') && b.checked) b.disabled = true;
    });
    document.getElementById('u-own-admin').hidden = !(self && user.roles.includes('admin'));
    orgBoxes().forEach((b) => { b.checked = user.organizations.includes(b.value); });
    updateOrgCount();
    filterOrgs();
    // Password: not for oneself (the account page asks for the current one).
    pwForm.hidden = self;
    document.getElementById('pw-own').hidden = !self;
    // Status.
    document.getElementById('st-enabled').hidden = user.disabled;
    document.getElementById('st-disabled').hidden = !user.disabled;
    document.getElementById('st-own').hidden = !self;
    disableBtn.hidden = user.disabled;
    disableBtn.disabled = self;
    enableBtn.hidden = !user.disabled;
    document.getElementById('user-audit-link').href =
      '/admin/audit?object_type=user&object_id=' + enc(user.login);
    A.openDialog(dialog, opener);
  }

  document.getElementById('add-user').addEventListener('click', (ev) => openAdd(ev.currentTarget));
  const table = document.getElementById('user-table');
  if (table) {
    table.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-edit]');
      if (b) openEdit(b.dataset.edit, b);
    });
  }
  form.addEventListener('change', (ev) => {
    if (ev.target.name === 'org') updateOrgCount();
  });
  if (orgFilter) {
    orgFilter.addEventListener('input', filterOrgs);
    // Enter in the filter must not submit the dialog's form.
    orgFilter.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') ev.preventDefault(); });
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    A.clearErrors(form);
    const submit = form.querySelector('button[type=submit]');
    const roles = checked(roleBoxes());
    const organizations = checked(orgBoxes());
    if (!current) {
      const login = form.querySelector('#u-login').value.trim();
      const password = form.querySelector('#u-password').value;
      if (password !== form.querySelector('#u-password2').value) {
        A.localError(form, formError, 'password', t('admin.users.mismatch'));
        return;
      }
      const body = { login, display_name: form.querySelector('#u-name').value.trim(), roles, organizations };
      if (password) body.password = password;
      try {
        await A.busy(submit, () => api('POST', '/api/v1/users', body));
        A.reloadWith(A.fill(t('admin.users.created_toast'), { login }), rowButton(login));
      } catch (e) {
        A.showError(form, formError, e);
      }
      return;
    }
    try {
      await A.busy(submit, () => api('PATCH', '/api/v1/users/' + enc(current.login), { roles, organizations }));
      A.reloadWith(A.fill(t('admin.users.saved_toast'), { login: current.login }), rowButton(current.login));
    } catch (e) {
      A.showError(form, formError, e);
    }
  });

  pwForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!current) return;
    A.clearErrors(pwForm);
    const password = pwForm.querySelector('#p-new').value;
    if (password !== pwForm.querySelector('#p-new2').value) {
      A.localError(pwForm, pwError, 'password', t('admin.users.mismatch'));
      return;
    }
    const submit = pwForm.querySelector('button[type=submit]');
    try {
      const res = await A.busy(submit, () => api('POST', '/api/v1/users/' + enc(current.login) + '/password', { password }));
      pwForm.reset();
      toast(A.fill(t('admin.users.password_toast'), { login: current.login, n: res.sessions_ended }));
    } catch (e) {
      A.showError(pwForm, pwError, e);
    }
  });

  disableBtn.addEventListener('click', () => {
    if (!current) return;
    const text = document.getElementById('disable-confirm-text');
    text.textContent = A.fill(text.dataset.template, { login: current.login });
    confirmBox.hidden = false;
    document.getElementById('disable-no').focus();
  });
  document.getElementById('disable-no').addEventListener('click', () => {
    confirmBox.hidden = true;
    disableBtn.focus();
  });

  async function setDisabled(disabled, button) {
    A.clearErrors(statusError.parentElement);
    try {
      const res = await A.busy(button, () => api('PATCH', '/api/v1/users/' + enc(current.login), { disabled }));
      const key = disabled ? 'admin.users.disabled_toast' : 'admin.users.enabled_toast';
      A.reloadWith(A.fill(t(key), { login: current.login, n: res.sessions_ended }), rowButton(current.login));
    } catch (e) {
      confirmBox.hidden = true;
      A.showError(statusError.parentElement, statusError, e);
      statusError.setAttribute('tabindex', '-1');
      statusError.focus();
    }
  }
  document.getElementById('disable-yes').addEventListener('click', (ev) => setDisabled(true, ev.currentTarget));
  enableBtn.addEventListener('click', (ev) => setDisabled(false, ev.currentTarget));
})();
