// The pooled results (published results page and the campaign dashboard):
// filters by section and highlight and the pies/bars toggle, applied at once
// in the page (the same filters work without script as a GET form), links
// into items that a filter hides, and the URL kept in step so that a reload
// or a shared link shows the same view. window.KunrenResults.apply() is
// called again by campaign.js after each live update.
'use strict';
(function () {
  const K = window.Kunren;
  const area = document.getElementById('results');
  const form = document.getElementById('results-filters');
  if (!area || !form) return;

  document.documentElement.classList.add('js');  // .js-hide: the no-script "apply" buttons
  const section = form.querySelector('#f-section');
  const highlight = form.querySelector('#f-highlight');
  const hint = form.querySelector('#f-highlight-hint');
  let announce = document.getElementById('results-announce');
  if (!announce) {
    announce = document.createElement('p');
    announce.id = 'results-announce';
    announce.className = 'sr-only';
    announce.setAttribute('role', 'status');
    announce.setAttribute('aria-live', 'polite');
    form.appendChild(announce);
  }

  function current() {
    const checked = form.querySelector('input[name="view"]:checked');
    return {
      section: section ? section.value : '',
      highlight: highlight ? highlight.value : '',
      view: checked ? checked.value : 'pies',
    };
  }

  function setView(view) {
    const radio = form.querySelector('input[name="view"][value="' + view + '"]');
    if (radio) radio.checked = true;
  }

  // Shows and hides sections and items; returns how many items are shown.
  function apply(opts) {
    const f = current();
    area.dataset.view = f.view;
    let shownItems = 0;
    let shownSections = 0;
    for (const sec of area.querySelectorAll('.res-section')) {
      let any = false;
      let count = 0;
      for (const item of sec.querySelectorAll('.res-item')) {
        const ok = !f.highlight || item.dataset.highlight === f.highlight;
        item.hidden = !ok;
        if (ok) { any = true; count++; }
      }
      const visible = (!f.section || sec.dataset.section === f.section) && (f.view === 'bars' || any);
      sec.hidden = !visible;
      if (visible) { shownSections++; shownItems += count; }
    }
    const none = area.querySelector('.no-match');
    if (none) none.hidden = shownSections > 0;
    if (hint) hint.hidden = f.view !== 'bars';
    // Keep the URL in step (other parameters such as org= or lang= stay).
    const url = new URL(location.href);
    for (const [key, value] of Object.entries(f)) {
      if (value && !(key === 'view' && value === 'pies')) url.searchParams.set(key, value);
      else url.searchParams.delete(key);
    }
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    if (!(opts && opts.quiet)) announce.textContent = K.t('results.filtered').replace('{n}', String(shownItems));
    return shownItems;
  }

  form.addEventListener('change', () => apply());
  form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });

  // "Show N more" under the ranked lists: filter to that highlight.
  area.addEventListener('click', (e) => {
    const more = e.target.closest('a[data-filter-highlight]');
    if (more && highlight) {
      e.preventDefault();
      highlight.value = more.dataset.filterHighlight;
      if (section) section.value = '';
      setView('pies');
      apply();
      const first = area.querySelector('.res-item:not([hidden])');
      if (first) first.scrollIntoView({ block: 'start' });
      return;
    }
    // A link to an item (ranked lists, the bar charts' item ids): make sure
    // the item is shown before the browser jumps to it.
    const link = e.target.closest('a');
    const href = link && (link.getAttribute('href') || link.getAttribute('xlink:href'));
    if (href && href.startsWith('#item-')) reveal(href.slice(1), e);
  });

  function reveal(id, event) {
    const target = document.getElementById(id);
    if (!target) return;
    const sec = target.closest('.res-section');
    let changed = false;
    if (current().view !== 'pies') { setView('pies'); changed = true; }
    if (highlight && highlight.value && target.dataset.highlight !== highlight.value) { highlight.value = ''; changed = true; }
    if (section && section.value && sec && sec.dataset.section !== section.value) { section.value = ''; changed = true; }
    if (changed || target.hidden) apply({ quiet: true });
    if (event) event.preventDefault();
    history.replaceState(history.state, '', location.pathname + location.search + '#' + id);
    target.scrollIntoView({ block: 'start' });
    const heading = target.querySelector('h4');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }

  if (location.hash.startsWith('#item-')) reveal(location.hash.slice(1));
  apply({ quiet: true });
  window.KunrenResults = { apply: () => apply({ quiet: true }) };
})();
