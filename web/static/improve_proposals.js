// The proposed answers page: switching the campaign, and saving the chosen
// answers into the organisation's evaluation (POST …/proposals/accept) as a
// draft or submitted; unanswered items are confirmed in a dialog first.
'use strict';
(function () {
  const { api, t, toast } = window.Kunren;
  document.querySelectorAll('.no-js-only').forEach((e) => { e.hidden = true; });
  const select = document.getElementById('campaign-select');
  if (select) select.addEventListener('change', () => { select.form.submit(); });

  const root = document.getElementById('proposals');
  if (!root) return;
  const status = document.getElementById('proposal-state');
  const done = document.getElementById('proposal-done');
  const dialog = document.getElementById('unanswered-dialog');

  // Choosing an answer ticks the row; clearing it leaves the tick to the user.
  for (const row of root.querySelectorAll('.proposal-row')) {
    const choice = row.querySelector('.choice');
    const accept = row.querySelector('.accept');
    if (choice && accept) choice.addEventListener('change', () => { if (choice.value) accept.checked = true; });
  }

  function answers() {
    const out = [];
    for (const row of root.querySelectorAll('.proposal-row')) {
      if (!row.querySelector('.accept').checked) continue;
      const choice = row.querySelector('.choice').value;
      const comment = row.querySelector('.comment').value.trim();
      out.push({ item: row.dataset.item, choice: choice ? Number(choice) : null, comment });
    }
    return out;
  }

  function setBusy(busy) {
    for (const id of ['save-draft', 'submit-answers']) {
      const b = document.getElementById(id);
      if (b) b.disabled = busy;
    }
    if (status) status.textContent = busy ? t('improve.proposals.saving') : '';
  }

  async function save(submit, leaveUnanswered) {
    const list = answers();
    if (!list.length) { toast(t('improve.proposals.nothing'), true); return; }
    setBusy(true);
    try {
      const body = { campaign: root.dataset.campaign, answers: list, submit, base_revision: Number(root.dataset.baseRevision || 0) };
      if (leaveUnanswered) body.leave_unanswered = true;
      const saved = await api('POST', root.dataset.api, body);
      if (saved && saved.revision) root.dataset.baseRevision = String(saved.revision.no);
      const message = t(submit ? 'improve.proposals.submitted' : 'improve.proposals.saved');
      toast(message);
      if (done) {
        done.hidden = false;
        done.firstChild.textContent = message + ' ';
      }
      if (status) status.textContent = '';
      setBusy(false);
      if (submit) for (const b of root.querySelectorAll('#proposal-actions button')) b.disabled = true;
    } catch (e) {
      setBusy(false);
      if (e.status === 422 && e.code === 'unanswered' && dialog) {
        const n = (e.message.match(/^\d+/) || ['?'])[0];
        document.getElementById('unanswered-text').textContent = t('improve.proposals.unanswered_text').split('{n}').join(n);
        dialog.showModal();
        return;
      }
      if (e.status === 409 && e.code === 'stale') {
        toast(t('improve.proposals.stale'), true);
        setTimeout(() => location.reload(), 1500);
        return;
      }
      toast(e.message, true);
    }
  }

  const draft = document.getElementById('save-draft');
  if (draft) draft.addEventListener('click', () => save(false, false));
  const submit = document.getElementById('submit-answers');
  if (submit) submit.addEventListener('click', () => save(true, false));
  if (dialog) {
    document.getElementById('unanswered-cancel').addEventListener('click', () => dialog.close());
    document.getElementById('unanswered-submit').addEventListener('click', () => { dialog.close(); save(true, true); });
  }
})();
