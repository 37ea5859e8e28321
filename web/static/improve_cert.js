// The CERT draft preview: the purpose selector reloads the page with that
// purpose; the copy button puts the plain text on the clipboard.
'use strict';
(function () {
  const { t, toast } = window.Kunren;
  document.querySelectorAll('.no-js-only').forEach((e) => { e.hidden = true; });
  const purpose = document.getElementById('cert-purpose');
  if (purpose) purpose.addEventListener('change', () => purpose.form.submit());
  const copy = document.getElementById('cert-copy');
  const plain = document.getElementById('cert-plain');
  if (!copy || !plain) return;
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(plain.value);
    } catch (e) {
      // No clipboard API (plain HTTP): select the text for Ctrl+C instead.
      plain.hidden = false;
      plain.select();
      document.execCommand('copy');
      plain.hidden = true;
    }
    toast(t('improve.cert.copied'));
  });
})();
