// The print view works without scripts (the browser's own print command);
// this only offers a print button.
'use strict';
(function () {
  const button = document.getElementById('ev-print-button');
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', () => window.print());
})();
