// From drill to evaluation in real browsers (headless Chromium) on
// `kunren serve --demo`: the facilitator runs demo-drill at ×10 — delivering
// the injects that matter at once rather than waiting for them, taking the
// DP3 stop decision, rating an objective — and ends it from the console.
// The evaluator of the drill's organisation opens the proposed answers,
// accepts them into the open demo campaign and submits (confirming the
// unanswered items), then the evaluation form shows the submitted answers
// and the after-action report shows its sections. Screenshots of the
// proposals page and the report (1280×900). No sleeps: every wait is for a
// visible change.
import {
  test, pageFetch, screenshot, check, expectEqual, expectContains, expectStatus, DEMO_PASSWORD, DEMO_CAMPAIGN,
} from './lib.mjs';

const DRILL = 'demo-drill';
const API = `/api/v1/exercises/${DRILL}`;

async function signInThroughThePage(page, login) {
  await page.goto('/login');
  await page.fill('#login', login);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.press('#password', 'Enter')]);
}

const csrfOf = (page) => page.$eval('meta[name="csrf-token"]', (m) => m.content);

await test('after the drill: proposals accepted and submitted, the after-action report', async ({ browser, server, page, slug }) => {
  const errors = [];
  // The facilitator runs the drill from the console.
  const fac = page;
  await fac.setViewportSize({ width: 1280, height: 900 });
  fac.on('pageerror', (e) => errors.push(`facilitator: ${e.message}`));
  await signInThroughThePage(fac, 'facilitator');
  await fac.goto(`/exercises/${DRILL}`);
  await fac.locator('#live-indicator[data-state="live"]').waitFor({ timeout: 10000 });
  await fac.locator('label.seg:has(input[name=speed][value="10"])').click();
  await fac.click('#ctl-start');
  await fac.locator('#clock-state.drill-state-running').waitFor({ timeout: 5000 });
  for (const id of ['INJ-003', 'INJ-017']) {
    await fac.click(`#deliver-${id}`);
    await fac.locator(`#delivered-list [data-inject="${id}"]`).waitFor({ timeout: 5000 });
  }
  const csrf = await csrfOf(fac);
  const act = (kind, payload) => pageFetch(fac, `${API}/actions`, { method: 'POST', json: { kind, payload }, csrf });
  expectStatus(await act('decision', {
    decision_point: 'DP3', option: 'stop-affected', rationale: 'HMI が不安定なため、影響ラインを停止する',
    criteria: [{ text: '制御系（DCS・PLC・HMI）に不正な操作や感染の兆候がある', met: true }],
  }), 200, 'the DP3 decision');
  expectStatus(await act('observation', { rating: 'S', objective: 'OBJ-5', text: '外部への連絡が遅れた' }), 200, 'an observation');
  await fac.click('#ctl-end');
  await fac.locator('#end-dialog').waitFor({ state: 'visible' });
  await fac.click('#end-confirm');
  await fac.locator('#clock-state.drill-state-ended').waitFor({ timeout: 5000 });

  // The review links to the pages after the drill.
  await fac.goto(`/exercises/${DRILL}/review`);
  check(await fac.locator(`#after-drill-links a[href="/exercises/${DRILL}/proposals"]`).count() === 1,
    'the review links to the proposed answers');

  // The evaluator of the drill's organisation, in a browser of their own.
  const evaContext = await browser.newContext({ baseURL: server.url, locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  const eva = await evaContext.newPage();
  eva.on('pageerror', (e) => errors.push(`evaluator: ${e.message}`));
  await signInThroughThePage(eva, 'evaluator');
  await eva.goto(`/exercises/${DRILL}/proposals`);
  expectEqual(await eva.locator('#campaign-select').inputValue(), DEMO_CAMPAIGN, 'the open demo campaign is the target');
  const rows = eva.locator('.proposal-row');
  const rowCount = await rows.count();
  check(rowCount > 3, `the drill exercised several items (${rowCount})`);
  const accepted = await eva.locator('.proposal-row .accept:checked').count();
  check(accepted > 0, `some proposals come ticked (${accepted})`);
  check(await eva.locator('.citations a.cite-seq').count() > 0, 'proposals cite events of the log');
  await screenshot(eva, `${slug}-proposals`, { fullPage: false });
  await screenshot(eva, `${slug}-proposals-full`);

  // Submit; the rest of the checklist is unanswered: confirm in the dialog.
  await eva.click('#submit-answers');
  await eva.locator('#unanswered-dialog').waitFor({ state: 'visible', timeout: 5000 });
  expectContains(await eva.locator('#unanswered-text').textContent(), '未回答', 'the dialog says items are unanswered');
  await eva.click('#unanswered-submit');
  await eva.locator('#proposal-done').waitFor({ state: 'visible', timeout: 5000 });
  const formHref = await eva.getAttribute('#done-evaluation', 'href');
  check(formHref && formHref.startsWith(`/campaigns/${DEMO_CAMPAIGN}/evaluations/`), `a link to the evaluation form (${formHref})`);

  // The evaluation holds the accepted answers, submitted, with the drill's links.
  const evaluation = await pageFetch(eva, '/api/v1' + formHref);
  expectStatus(evaluation, 200, 'GET the evaluation');
  expectEqual(evaluation.body.status, 'submitted', 'the evaluation is submitted');
  const answers = evaluation.body.revision?.answers || [];
  expectEqual(answers.filter((a) => a.choice).length, accepted, 'one answer per accepted proposal');
  const linked = answers.filter((a) => JSON.stringify(a.evidence ?? '').includes(DRILL));
  expectEqual(linked.length, answers.length, 'every accepted answer links to the drill');
  await eva.goto(formHref);
  expectEqual(await eva.getAttribute('#ev-status-chip', 'data-code'), 'submitted', 'the form shows the submitted evaluation');
  const chosen = await eva.locator('.ev-item input[type=radio]:checked').count();
  expectEqual(chosen, accepted, 'the form shows the accepted answers');

  // The after-action report.
  await eva.goto(`/exercises/${DRILL}/aar`);
  for (const id of ['aar-overview', 'aar-timeline', 'aar-metrics', 'aar-objectives', 'aar-decisions', 'aar-contradictions', 'aar-plan', 'aar-evidence']) {
    check(await eva.locator(`#${id}`).isVisible(), `the report shows #${id}`);
  }
  check(await eva.locator('#aar-timeline svg').count() === 1, 'the report draws the timeline');
  expectContains(await eva.locator('#aar-decisions').textContent(), '影響を受けたラインだけ停止する', 'the report lists the stop decision');
  expectContains(await eva.locator('#aar-objectives').textContent(), '外部への連絡が遅れた', 'the report shows the observation');
  // Suggested items join the plan and save.
  const suggest = eva.locator('#plan-add-suggested');
  if (await suggest.count()) {
    await suggest.click();
    const planRows = await eva.locator('#plan-rows .plan-row').count();
    check(planRows > 0, `suggested items were added (${planRows})`);
    await eva.click('#plan-save');
    await eva.waitForFunction(() => /\d/.test(document.getElementById('plan-state').textContent), null, { timeout: 5000 });
    await eva.reload();
    expectEqual(await eva.locator('#plan-rows .plan-row').count(), planRows, 'the saved plan comes back');
  }
  await eva.evaluate(() => window.scrollTo(0, 0));
  await screenshot(eva, `${slug}-aar`, { fullPage: false });
  await screenshot(eva, `${slug}-aar-full`);
  await eva.goto(`/exercises/${DRILL}/cert-draft`);
  check(await eva.locator('#cert-text').isVisible(), 'the CERT draft is previewed');
  check(await eva.locator('#cert-text mark.cert-unknown').count() > 0, 'unknown fields are highlighted');
  await screenshot(eva, `${slug}-cert`, { fullPage: false });
  expectEqual(errors, [], 'no script errors');
  await evaContext.close();
}, { demo: true });
