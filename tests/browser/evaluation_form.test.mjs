// The self-evaluation form in a real browser (headless Chromium): an
// evaluator answers by keyboard, the draft is saved by itself (the saved
// answer, comment and review mark read back through the API), someone else
// saving first stops the autosave with a notice and "save my version over
// it" works, a lost connection keeps the changes and saves once it is back,
// and submitting with unanswered items needs the explicit tick, then shows
// the new status. No sleeps: every wait is for a visible change.
import {
  test, signIn, pageFetch, screenshot, check, expectEqual, expectContains, expectStatus, DEMO_CAMPAIGN,
} from './lib.mjs';

await test('evaluation form in Chromium', async ({ page, context, slug }) => {
  await page.goto('/login');
  expectStatus(await signIn(page, 'evaluator2'), 200, 'sign-in as evaluator2');
  await page.goto('/campaigns?lang=en');
  const links = await page.$$eval('a[href*="/evaluations/"]', (as) => as.map((a) => a.getAttribute('href')));
  const form = links.find((l) => l.startsWith(`/campaigns/${DEMO_CAMPAIGN}/evaluations/`));
  check(form !== undefined, `the campaign list links to the evaluation form, got ${JSON.stringify(links)}`);
  if (!form) return;
  const api = '/api/v1' + form;
  // Every change on the page is saved (not only an earlier one).
  const saved = () => page.waitForFunction(
    () => document.getElementById('ev-save').dataset.state === 'saved', null, { timeout: 10000 });
  const answerOf = async (item) => {
    const r = await pageFetch(page, api);
    return { no: r.body.revision?.no ?? 0, answer: (r.body.revision?.answers || []).find((a) => a.item === item) };
  };

  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(form + '?lang=en');
  expectContains(await page.textContent('h1'), 'Self-evaluation', 'form heading');
  expectEqual(await page.locator('.ev-item').count(), 75, 'items on the form');

  // Keyboard: arrow keys choose, Tab reaches the comment, Enter is a new line (nothing is submitted).
  await page.focus('#item-IMP-P0-03 input[type=radio]');
  await page.keyboard.press('ArrowDown');
  const chosen = await page.$eval('#item-IMP-P0-03 input[type=radio]:checked', (r) => Number(r.value));
  await page.keyboard.press('Tab');
  expectEqual(await page.evaluate(() => document.activeElement.id), 'comment-IMP-P0-03', 'Tab moves to the comment');
  await page.keyboard.type('Browser test');
  await page.keyboard.press('Enter');
  await page.keyboard.type('second line');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await saved();
  let now = await answerOf('IMP-P0-03');
  expectEqual(now.answer, { choice: chosen, comment: 'Browser test\nsecond line', item: 'IMP-P0-03', review: true },
    'the autosaved answer');
  expectContains(await page.textContent('#ev-status-detail'), `revision ${now.no}`, 'status line names the revision');

  // Someone else (another tab) saves first: the form stops and says so.
  const csrf = await page.getAttribute('meta[name=csrf-token]', 'content');
  const current = await pageFetch(page, api);
  const answers = current.body.revision.answers.filter((a) => a.item !== 'IMP-P0-04');
  answers.push({ item: 'IMP-P0-04', choice: 1, comment: 'from another tab' });
  const other = await pageFetch(page, api, { method: 'PUT', csrf, json: { answers, base_revision: now.no } });
  expectStatus(other, 200, 'the other tab saves');
  await page.locator('#review-IMP-P0-03').click();
  await page.waitForSelector('#ev-stale:not([hidden])', { timeout: 10000 });
  expectEqual(await page.evaluate(() => document.activeElement.id), 'ev-stale-reload', 'focus on the stale notice');
  expectEqual((await answerOf('IMP-P0-03')).no, other.body.revision.no, 'nothing written over the other save');
  await page.click('#ev-stale-overwrite');
  await saved();
  now = await answerOf('IMP-P0-03');
  expectEqual(now.no, other.body.revision.no + 1, 'saved over it on purpose');
  expectEqual(now.answer.review, undefined, 'with this page\'s change');

  // Offline: the change stays on the page and is saved when the connection is back.
  await context.setOffline(true);
  await page.locator('#review-IMP-P0-03').click();
  await page.waitForFunction(() => document.getElementById('ev-save').dataset.state === 'error', null, { timeout: 10000 });
  expectContains(await page.textContent('#ev-save-text'), 'Cannot reach the server', 'offline message');
  await context.setOffline(false);
  await page.click('#ev-retry');
  await saved();
  expectEqual((await answerOf('IMP-P0-03')).answer.review, true, 'saved after the connection came back');

  // Submitting with unanswered items needs the tick. (Make sure there is
  // one: the demo data may have answered everything.)
  if (await page.isVisible('#item-IMP-P9-04 .ev-clear')) {
    await page.click('#item-IMP-P9-04 .ev-clear');
    await saved();
    expectEqual((await answerOf('IMP-P9-04')).answer?.choice ?? null, null, 'a cleared answer is saved as none');
  }
  await page.click('#ev-submit-open');
  const missing = await page.locator('#ev-missing-list li').count();
  check(missing > 0, 'the dialog lists unanswered items');
  check(await page.isDisabled('#ev-submit-confirm'), 'submit is disabled until the tick');
  await page.check('#ev-leave');
  await page.click('#ev-submit-confirm');
  await page.waitForSelector('#ev-submitted:not([hidden])', { timeout: 10000 });
  expectEqual(await page.getAttribute('#ev-status-chip', 'data-code'), 'submitted', 'status after submitting');
  const after = await pageFetch(page, api);
  expectEqual(after.body.revision.state, 'submitted', 'the latest revision is submitted');
  check(await page.isHidden('#ev-submit-open'), 'nothing more to submit');
  expectEqual(errors, [], 'no script errors');
  console.log(`screenshot: ${await screenshot(page, slug)}`);
});
