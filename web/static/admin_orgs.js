// /admin/orgs: the organisation dialog. "Add organisation" creates one
// (POST /api/v1/orgs); "Edit" changes name, industry and size (PUT
// /api/v1/orgs/{id}). The id and the pseudonym are shown but never edited.
'use strict';
(function () {
  const { api, t } = window.Kunren;
  const A = window.KunrenAdmin;
  const dialog = document.getElementById('org-dialog');
  if (!dialog) return;
  const form = document.getElementById('org-form');
  const formError = document.getElementById('org-form-error');
  const field = (id) => form.querySelector('#' + id);
  const rowButton = (id) => '[data-edit="' + CSS.escape(id) + '"]';
  let editing = null;  // the id being edited, null when adding

  A.wireDialog(dialog);

  function open(mode, opener, row) {
    form.reset();
    A.clearErrors(form);
    A.setMode(dialog, mode);
    editing = row ? row.dataset.id : null;
    if (row) {
      document.getElementById('o-fixed-id').textContent = row.dataset.id;
      document.getElementById('o-fixed-pseudonym').textContent = row.dataset.pseudonym;
      document.getElementById('o-fixed-created').textContent = row.dataset.created;
      field('o-name').value = row.dataset.name;
      field('o-industry').value = row.dataset.industry;
      field('o-size').value = row.dataset.size;
    }
    A.openDialog(dialog, opener);
  }

  document.getElementById('add-org').addEventListener('click', (ev) => open('add', ev.currentTarget, null));
  const table = document.getElementById('org-table');
  if (table) {
    table.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-edit]');
      if (b) open('edit', b, b.closest('tr'));
    });
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    A.clearErrors(form);
    const submit = form.querySelector('button[type=submit]');
    const body = {
      name: field('o-name').value.trim(),
      industry: field('o-industry').value.trim(),
      size: field('o-size').value.trim(),
    };
    try {
      if (editing === null) {
        body.id = field('o-id').value.trim();
        const org = await A.busy(submit, () => api('POST', '/api/v1/orgs', body));
        A.reloadWith(A.fill(t('admin.orgs.created_toast'), { id: org.id, pseudonym: org.pseudonym }), rowButton(org.id));
      } else {
        const org = await A.busy(submit, () => api('PUT', '/api/v1/orgs/' + encodeURIComponent(editing), body));
        A.reloadWith(A.fill(t('admin.orgs.saved_toast'), { id: org.id }), rowButton(org.id));
      }
    } catch (e) {
      A.showError(form, formError, e);
    }
  });
})();
