// The main journey in a real browser (headless Chromium) on `kunren serve
// --demo`: the coordinator opens the campaign page and keeps it open; the
// evaluator signs in through the sign-in page, answers items (autosaved),
// submits with the remaining items explicitly left unanswered; the
// coordinator's page — never reloaded — shows one more submitted
// organisation, pushed by the live event stream. Then: a state change
// without the CSRF token is refused and changes nothing; signing out ends the
// session. Screenshots of the main pages are saved as test artefacts.
import {
  test, pageFetch, screenshot, check, expectEqual, expectContains, expectStatus, DEMO_PASSWORD, DEMO_CAMPAIGN,
} from './lib.mjs';

const ORG = 'ORG-0001';  // the demo evaluator's organisation: not started in demo-2026

async function signInThroughThePage(page, login) {
  await page.goto('/login');
  await page.fill('#login', login);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.press('#password', 'Enter')]);
}

// How many organisations chose choice 1 of item IMP-P0-01, in the legend
// beside its pie chart on the coordinator's page.
const FIRST_ITEM_CHOICE_1 = 'article.res-item[id$="IMP-P0-01"] .legend tbody tr:first-child td.num';
async function firstItemChoice1(page) {
  return Number((await page.locator(FIRST_ITEM_CHOICE_1).first().textContent()).trim());
}

// The number in the "submitted" counter of the coordinator's status summary.
async function submittedCount(page) {
  const text = await page.locator('.counter-submitted .counter-n').first().textContent();
  return Number(text.trim());
}

await test('evaluate, submit, and watch it arrive live', async ({ browser, server, page, slug }) => {
  // The coordinator, in a browser context of their own (another person).
  const coordContext = await browser.newContext({ baseURL: server.url, locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  const coord = await coordContext.newPage();
  await signInThroughThePage(coord, 'coordinator');
  await coord.goto(`/campaigns/${DEMO_CAMPAIGN}`);
  await coord.locator('#live-indicator').waitFor();
  const before = await submittedCount(coord);
  check(before > 0, `the coordinator sees the submitted organisations (${before})`);
  const chartBefore = await firstItemChoice1(coord);
  await screenshot(coord, `${slug}-coordinator-before`, { fullPage: false });

  // The evaluator: sign-in page, campaign list, the form.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/campaigns/${DEMO_CAMPAIGN}`);
  expectContains(page.url(), '/login?next=', 'a signed-out visitor is sent to sign in');
  await signInThroughThePage(page, 'evaluator');
  await page.goto('/campaigns');
  await screenshot(page, `${slug}-campaigns`);
  const formLink = page.locator(`a[href="/campaigns/${DEMO_CAMPAIGN}/evaluations/${ORG}"]`);
  check(await formLink.count() === 1, 'the campaign list links to the own organisation\'s evaluation');
  await formLink.first().click();
  await page.waitForURL(`**/evaluations/${ORG}`);
  await page.locator('#evaluation').waitFor();
  await screenshot(page, `${slug}-form-empty`, { fullPage: false });

  // Answer the first three items (the first choice) and comment on one.
  const items = page.locator('[data-item]');
  const total = await items.count();
  check(total === 75, `the form shows the 75 items (${total})`);
  for (let i = 0; i < 3; i += 1) {
    await items.nth(i).locator('input[type=radio]').first().check();
  }
  await items.nth(0).locator('textarea').fill('演習で連絡網を確認した。');
  // Autosave: wait for the draft to be stored (read back through the API).
  let saved = null;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const got = await pageFetch(page, `/api/v1/campaigns/${DEMO_CAMPAIGN}/evaluations/${ORG}`);
    const answers = got.body?.revision?.answers || [];
    if (answers.filter((a) => a.choice).length === 3 && answers.some((a) => a.comment)) { saved = got.body.revision; break; }
    await page.waitForTimeout(200);
  }
  check(saved !== null, 'the autosave stored the three answers and the comment');
  expectEqual(saved?.state, 'draft', 'the autosaved revision is a draft');

  // Submit: the dialog lists what is unanswered and needs the explicit choice.
  await page.click('#ev-submit-open');
  await page.locator('#ev-submit-dialog').waitFor({ state: 'visible' });
  await screenshot(page, `${slug}-submit-dialog`);
  check(await page.locator('#ev-submit-confirm').isDisabled(), 'without "leave unanswered" the submit button is disabled');
  expectContains(await page.locator('#ev-submit-dialog').textContent(), 'IMP-P0-04', 'the dialog lists an unanswered item');
  await page.check('#ev-leave');
  await page.click('#ev-submit-confirm');
  await page.locator('#ev-submit-dialog').waitFor({ state: 'hidden' });
  const after = await pageFetch(page, `/api/v1/campaigns/${DEMO_CAMPAIGN}/evaluations/${ORG}`);
  expectEqual(after.body?.revision?.state, 'submitted', 'the evaluation is submitted');
  await screenshot(page, `${slug}-form-submitted`, { fullPage: false });

  // The coordinator's page follows without a reload.
  await coord.waitForFunction((n) => {
    const el = document.querySelector('.counter-submitted .counter-n');
    return el && Number(el.textContent.trim()) === n;
  }, before + 1, { timeout: 15000 });
  expectEqual(await submittedCount(coord), before + 1, 'the coordinator sees one more submitted organisation, live');
  // The charts follow too: the evaluator chose choice 1 of the first item.
  await coord.waitForFunction(({ sel, n }) => {
    const el = document.querySelector(sel);
    return el && Number(el.textContent.trim()) === n;
  }, { sel: FIRST_ITEM_CHOICE_1, n: chartBefore + 1 }, { timeout: 15000 });
  expectEqual(await firstItemChoice1(coord), chartBefore + 1, 'the first item\'s pie counts one more "choice 1", live');
  await screenshot(coord, `${slug}-coordinator-after`, { fullPage: false });

  // History and print view of the evaluation.
  await page.goto(`/campaigns/${DEMO_CAMPAIGN}/evaluations/${ORG}/history`);
  await screenshot(page, `${slug}-history`);
  await page.goto(`/campaigns/${DEMO_CAMPAIGN}/evaluations/${ORG}/print`);
  await screenshot(page, `${slug}-print`, { fullPage: false });

  // CSRF: a state change without the token is refused and changes nothing.
  const refused = await pageFetch(page, `/api/v1/campaigns/${DEMO_CAMPAIGN}/evaluations/${ORG}`,
    { method: 'PUT', json: { answers: [] } });
  expectStatus(refused, 403, 'a save without the CSRF token');
  expectEqual(refused.body?.error?.code, 'csrf', 'the refusal names the CSRF token');
  const unchanged = await pageFetch(page, `/api/v1/campaigns/${DEMO_CAMPAIGN}/evaluations/${ORG}`);
  expectEqual(unchanged.body?.revision?.state, 'submitted', 'the refused request changed nothing');

  // Published results of last year, with "my answer".
  await page.goto('/campaigns/demo-2025/results');
  await screenshot(page, `${slug}-results-2025`, { fullPage: false });

  // Sign out through the button: back to the sign-in page, the session ended.
  await page.goto('/campaigns');
  await Promise.all([page.waitForURL('**/login'), page.click('#sign-out')]);
  const me = await pageFetch(page, '/api/v1/me');
  expectStatus(me, 401, 'after signing out');
  await screenshot(page, `${slug}-signed-out`);
  await coordContext.close();
});
