// The drill list: the facilitator's form that plans a new drill — title,
// organisation, built-in scenario and the participants (login → scenario
// role rows; the role lists follow the scenario chosen) — sent to
// POST /api/v1/exercises, then on to the new drill's console.
'use strict';
(function () {
  const K = window.Kunren;
  const form = document.getElementById('plan-form');
  if (!K || !form) return;
  const rolesEl = document.getElementById('scenario-roles');
  const rolesByScenario = rolesEl ? JSON.parse(rolesEl.textContent) : {};
  const rows = document.getElementById('plan-rows');
  const scenario = document.getElementById('plan-scenario');
  const error = document.getElementById('plan-error');
  const t = (key) => K.t('exercise.plan.' + key);
  let counter = 0;

  function roleOptions(select) {
    const value = select.value;
    select.replaceChildren();
    for (const r of rolesByScenario[scenario.value] || []) {
      const o = document.createElement('option');
      o.value = r.id;
      o.textContent = r.title;
      select.append(o);
    }
    if (Array.from(select.options).some((o) => o.value === value)) select.value = value;
  }

  function addRow(login, role) {
    counter += 1;
    const tr = document.createElement('tr');
    const loginCell = document.createElement('td');
    const input = document.createElement('input');
    input.name = 'p-login';
    input.id = 'plan-login-' + counter;
    input.autocomplete = 'off';
    input.maxLength = 64;
    input.value = login || '';
    input.setAttribute('aria-label', t('login') + ' ' + counter);
    loginCell.append(input);
    const roleCell = document.createElement('td');
    const select = document.createElement('select');
    select.name = 'p-role';
    select.id = 'plan-role-' + counter;
    select.setAttribute('aria-label', t('role') + ' ' + counter);
    roleOptions(select);
    if (role) select.value = role;
    roleCell.append(select);
    const removeCell = document.createElement('td');
    removeCell.className = 'num';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'btn btn-quiet btn-small';
    remove.textContent = t('remove');
    remove.setAttribute('aria-label', t('remove') + ' ' + counter);
    remove.addEventListener('click', () => {
      tr.remove();
      document.getElementById('plan-add').focus();
    });
    removeCell.append(remove);
    tr.append(loginCell, roleCell, removeCell);
    rows.append(tr);
    return input;
  }

  document.getElementById('plan-add').addEventListener('click', () => addRow().focus());
  scenario.addEventListener('change', () => {
    for (const select of rows.querySelectorAll('select')) roleOptions(select);
  });
  addRow();

  function showError(message, field) {
    error.textContent = message;
    error.hidden = false;
    const target = field && form.querySelector('[name="' + field + '"]');
    if (target) target.focus();
    else error.focus && error.focus();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const body = {
      title: form.elements.namedItem('title').value.trim(),
      org: form.elements.namedItem('org').value,
      scenario: scenario.value,
      participants: [],
    };
    const id = form.elements.namedItem('id').value.trim();
    if (id) body.id = id;
    if (!body.title) { showError(t('need_title'), 'title'); return; }
    if (id && !/^[A-Za-z0-9._-]+$/.test(id)) { showError(t('bad_id'), 'id'); return; }
    for (const tr of rows.rows) {
      const login = tr.querySelector('input').value.trim();
      if (login) body.participants.push({ login, role: tr.querySelector('select').value });
    }
    const button = document.getElementById('plan-submit');
    button.disabled = true;
    try {
      const res = await K.api('POST', '/api/v1/exercises', body);
      K.toast(t('created'));
      location.href = '/exercises/' + encodeURIComponent(res.id);
    } catch (err) {
      button.disabled = false;
      let field = err.field || '';
      const m = /^participants\[(\d+)\]\.(login|role)$/.exec(field);
      if (m) {
        const tr = Array.from(rows.rows).filter((x) => x.querySelector('input').value.trim())[Number(m[1])];
        const target = tr && tr.querySelector(m[2] === 'login' ? 'input' : 'select');
        error.textContent = t('create_failed') + K.t('exercise.colon') + err.message;
        error.hidden = false;
        if (target) target.focus();
        return;
      }
      showError(t('create_failed') + K.t('exercise.colon') + err.message, field);
    }
  });
})();
