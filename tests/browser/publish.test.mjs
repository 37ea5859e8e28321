// Reviewing before publishing, in the browser (`serve --demo`): the demo
// coordinator opens the publishing page of last year's published campaign,
// sees every excerpt as published beside the text as written, sets the TLP
// marking and a word list, leaves one excerpt out, saves, and finds the
// marking and the exclusion in what the results API publishes. A save
// based on an old revision is refused (409). Screenshots (1280×900): publish-review.png, publish-saved.png.
import { test, check, expectEqual, expectContains, signIn, pageFetch, screenshot } from './lib.mjs';

await test('publishing: settings, the review of every excerpt, leave one out', async ({ server, page }) => {
  if (!server.demo) {
    check(true, 'the binary has no serve --demo: nothing to check');
    return;
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/login');
  expectEqual((await signIn(page, 'coordinator')).status, 200, 'sign in as the demo coordinator');

  // The dashboard links to the review.
  await page.goto('/campaigns/demo-2025');
  await page.click('a[href="/campaigns/demo-2025/publish"]');
  await page.waitForSelector('#publish-form');
  expectContains(await page.locator('h1').textContent(), '2025', 'the campaign');
  const rows = page.locator('tr.quote-row');
  const total = await rows.count();
  check(total > 0, `excerpts listed: ${total}`);
  const firstId = await rows.first().getAttribute('data-quote');
  check(/^Q-[0-9A-Z]{8}$/.test(firstId || ''), `quote id: ${firstId}`);
  const original = (await rows.first().locator('td.original').textContent()).trim();
  check(original.length > 0, 'the text as written is shown');
  await screenshot(page, 'publish-review', { fullPage: false });

  // Settings: TLP AMBER, a word list taken from the first excerpt's first
  // characters (so a redaction shows), and the first excerpt left out.
  const word = [...original].slice(0, 4).join('');
  await page.selectOption('#publish-tlp', 'AMBER');
  await page.fill('#publish-words', `word: ${word}\n`);
  await rows.first().locator('input[name="excluded"]').check();
  expectContains(await rows.first().getAttribute('class'), 'is-excluded', 'ticking marks the row at once');
  await Promise.all([page.waitForEvent('load'), page.click('#publish-save')]);
  await page.waitForSelector('#publish-form');
  expectEqual(await page.locator('#publish-tlp').inputValue(), 'AMBER', 'the marking is saved');
  check(await page.locator(`tr.quote-row[data-quote="${firstId}"] input[name="excluded"]`).isChecked(),
        'the excerpt stays left out');
  check(await page.locator('tr.quote-row .published mark').count() > 0, 'redactions are marked');
  await screenshot(page, 'publish-saved', { fullPage: false });

  // What is published: the marking, and not the excerpt left out.
  const results = await pageFetch(page, '/api/v1/campaigns/demo-2025/results');
  expectEqual(results.status, 200, 'results');
  expectEqual(results.body.disclosure.tlp, 'AMBER', 'the published marking');
  check(results.body.disclosure.quotes.excluded >= 1, 'the exclusion is counted');
  const published = results.body.items.flatMap((it) => it.comments.map((q) => q.id));
  check(!published.includes(firstId), 'the excerpt left out is not published');
  check(results.body.items.every((it) => it.comments.every((q) => !('org' in q))), 'no pseudonym in any excerpt');

  // A save based on the revision the page had before: someone else came first.
  const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  const stale = await pageFetch(page, '/api/v1/campaigns/demo-2025/publication',
                                { method: 'PUT', json: { base_no: 1, tlp: 'RED' }, csrf });
  expectEqual(stale.status, 409, 'a save based on an old revision is refused');
});
