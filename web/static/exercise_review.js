// The drill review: the print button (the page prints on A4 from its print
// style sheet; the event log table is opened for printing).
'use strict';
(function () {
  const button = document.getElementById('print-review');
  if (!button) return;
  button.addEventListener('click', () => window.print());
  const details = Array.from(document.querySelectorAll('.log-details'));
  let wasOpen = [];
  window.addEventListener('beforeprint', () => {
    wasOpen = details.map((d) => d.open);
    for (const d of details) d.open = true;
  });
  window.addEventListener('afterprint', () => details.forEach((d, i) => { d.open = wasOpen[i]; }));
})();
