// Shared by the evaluation pages (form, history): text patterns with
// "{name}" placeholders, and times shown in the browser's local time. The
// server writes every time as <time datetime="…Z" data-local>YYYY-MM-DD
// HH:MM UTC</time>, which reads fine without this script.
'use strict';
(function () {
  function pad(n) { return String(n).padStart(2, '0'); }

  // "2026-11-26T09:20:03.123456Z" → Date (the store writes microseconds).
  function parseTime(iso) {
    const d = new Date(String(iso).replace(/(\.\d{3})\d+/, '$1'));
    return Number.isNaN(d.getTime()) ? null : d;
  }

  // "2026-11-26 18:20" in local time; withDate=false gives "18:20".
  function localTime(date, withDate) {
    const hm = pad(date.getHours()) + ':' + pad(date.getMinutes());
    if (withDate === false) return hm;
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' ' + hm;
  }

  function localise(root) {
    for (const el of (root || document).querySelectorAll('time[data-local]')) {
      const d = parseTime(el.getAttribute('datetime'));
      if (!d) continue;
      el.textContent = localTime(d, true);
      el.title = el.getAttribute('datetime');
    }
  }

  // fill('{n} items', {n: 3}) → '3 items'
  function fill(pattern, values) {
    return String(pattern).replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
  }

  window.KunrenEvaluation = { parseTime, localTime, localise, fill };
  localise(document);
})();
