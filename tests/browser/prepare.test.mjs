// Preparedness records in the browser (`serve --demo`): the demo
// evaluator's hub warns of the stale contact, the contact-tree editor marks
// it, "今日確認した" clears the mark, a new entry without a name is refused
// with the message next to the name field, the fixed entry saves as a new
// revision, a save after someone else's shows the "someone else saved
// first" banner, and a participant sees the contact tree in the drill.
// Screenshots (1280×900): prepare-hub.png, prepare-contact-tree.png,
// prepare-error.png, prepare-drill-contacts.png.
import { test, check, expectEqual, expectContains, signIn, pageFetch, screenshot } from './lib.mjs';

await test('preparedness: hub, contact-tree editor, errors, stale saves, the drill panel', async ({ server, page }) => {
  if (!server.demo) {
    check(true, 'the binary has no serve --demo: nothing to check');
    return;
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/login');
  expectEqual((await signIn(page, 'evaluator')).status, 200, 'sign in as the demo evaluator');

  // The nav leads to the hub of the evaluator's organisation.
  await page.goto('/campaigns');
  const hubHref = await page.locator('nav.mainnav a[href$="/prepare"]').getAttribute('href');
  check(/^\/orgs\/[^/]+\/prepare$/.test(hubHref || ''), `nav link to the hub: ${hubHref}`);
  await page.goto(hubHref);
  expectEqual(await page.locator('h1').textContent(), '平時の備え', 'hub heading');
  expectContains(await page.locator('.prep-card-contact-tree').textContent(), '最終確認から180日以上経過', 'stale warning');
  expectEqual(await page.locator('.prep-card').count(), 6, 'six records');
  await screenshot(page, 'prepare-hub', { fullPage: false });

  // The contact-tree editor: the stale entry is marked.
  await page.click('.prep-card-contact-tree h2 a');
  await page.waitForSelector('#prep-form');
  const stale = page.locator('tr.prep-entry.is-stale');
  expectEqual(await stale.count(), 1, 'one stale entry in the demo tree');
  await screenshot(page, 'prepare-contact-tree', { fullPage: false });
  await stale.locator('[data-confirm-today]').click();
  expectEqual(await page.locator('tr.prep-entry.is-stale').count(), 0, '"today" clears the stale mark');

  // A new entry without a name: 422, the message next to its name field.
  const before = await page.locator('tr.prep-entry').count();
  await page.click('[data-add="entries"]');
  expectEqual(await page.locator('tr.prep-entry').count(), before + 1, 'a row was added');
  const row = page.locator('tr.prep-entry').last();
  await row.locator('[data-field="id"]').fill('security-firm');
  await row.locator('[data-field="value"]').fill('0X0-XXXX-7777');
  await page.click('#prep-save');
  await page.waitForSelector('.field-error');
  expectEqual(await row.locator('[data-field="name"]').getAttribute('aria-invalid'), 'true', 'the name field is marked');
  check(await row.locator('.field-error').isVisible(), 'the message is shown in the row');
  await screenshot(page, 'prepare-error', { fullPage: false });

  // Fixed: saved as revision 2.
  await row.locator('[data-field="name"]').fill('外部セキュリティ機関（架空）');
  await row.locator('[data-field="external"]').check();
  await page.click('#prep-save');
  await page.waitForFunction(() => /第2版/.test(document.getElementById('prep-save-status').textContent));
  check(await page.locator('.field-error').count() === 0, 'the message is gone');
  const api = JSON.parse(await page.locator('#prep-context').textContent()).api;
  const saved = await pageFetch(page, api);
  expectEqual(saved.body.no, 2, 'revision 2 stored');
  expectEqual(saved.body.document.entries.at(-1).name, '外部セキュリティ機関（架空）', 'the new entry stored');

  // Someone else saves revision 3; this page's next save is refused with the banner.
  const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  const other = await pageFetch(page, api, { method: 'PUT', csrf, json: { base_no: 2, document: saved.body.document } });
  expectEqual(other.status, 200, 'the other save');
  await page.locator('tr.prep-entry').first().locator('[data-field="notes"]').fill('変更');
  await page.click('#prep-save');
  await page.waitForSelector('#prep-stale:not([hidden])');
  expectContains(await page.locator('#prep-stale').textContent(), '第3版', 'the banner names the latest revision');

  // A participant sees the contact tree in the drill (collapsed, opened here).
  await pageFetch(page, '/api/v1/session', { method: 'DELETE', csrf });
  await page.goto('/login');
  expectEqual((await signIn(page, 'participant')).status, 200, 'sign in as the demo participant');
  await page.goto('/exercises/demo-drill');
  const panel = page.locator('#drill-contact-tree');
  expectEqual(await panel.count(), 1, 'the contact-tree panel');
  await panel.locator('summary').click();
  expectContains(await panel.textContent(), '0X0-XXXX-1001', 'the first in the escalation order');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'prepare-drill-contacts', { fullPage: false });
});
