// A live drill in real browsers (headless Chromium) on `kunren serve --demo`:
// the facilitator opens the console of demo-drill, two participants
// (production and the plant manager, different roles) open their views, each in a
// browser context of their own. The facilitator starts the drill at ×10 and
// delivers some injects early; each participant's page — never reloaded —
// shows exactly the delivered injects addressed to their role or to
// everyone (compared with the facilitator's GET …/state), with a visible
// cue for the new ones. The plant manager files a report and the DP3 stop
// decision (criteria ticked) through the forms; the facilitator's console
// shows each within one second. The facilitator ends the drill; the log
// verifies and the review page shows the timeline. Screenshots of the list,
// console, participant views (desktop and phone) and review are saved.
import {
  test, pageFetch, screenshot, check, expectEqual, expectContains, expectStatus, DEMO_PASSWORD,
} from './lib.mjs';

const DRILL = 'demo-drill';
const API = `/api/v1/exercises/${DRILL}`;

async function signInThroughThePage(page, login) {
  await page.goto('/login');
  await page.fill('#login', login);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.press('#password', 'Enter')]);
}

async function openLive(page) {
  await page.goto(`/exercises/${DRILL}`);
  await page.locator('#live-indicator[data-state="live"]').waitFor({ timeout: 10000 });
}

// The inject ids a participant's page shows, in page order.
async function shownInjects(page) {
  return page.locator('#my-inject-list [data-inject]').evaluateAll((els) => els.map((e) => e.dataset.inject));
}

function sorted(list) { return [...list].sort(); }

await test('a live drill: console, two participants, live injects, report and decision, review', async ({ browser, server, page, slug }) => {
  const contextFor = (viewport) => browser.newContext({ baseURL: server.url, locale: 'ja-JP', viewport });
  // The facilitator, in the test's own page.
  const fac = page;
  await fac.setViewportSize({ width: 1440, height: 1000 });
  await signInThroughThePage(fac, 'facilitator');
  expectContains(new URL(fac.url()).pathname, '/exercises', 'the facilitator lands on the drill list');
  await fac.goto('/exercises');
  const consoleLink = fac.locator(`a[href="/exercises/${DRILL}"]`);
  check(await consoleLink.count() === 1, 'the list links to the console of demo-drill');
  expectContains(await fac.locator(`[data-exercise="${DRILL}"]`).textContent(), '計画中', 'demo-drill is planned');
  check(await fac.locator('#plan-form').count() === 1, 'facilitators get the planning form');
  await screenshot(fac, `${slug}-list`);
  await openLive(fac);

  // Two participants in roles of their own.
  const prodContext = await contextFor({ width: 1280, height: 900 });
  const prod = await prodContext.newPage();
  await signInThroughThePage(prod, 'production');
  await openLive(prod);
  const mgrContext = await contextFor({ width: 412, height: 900 });
  const mgr = await mgrContext.newPage();
  await signInThroughThePage(mgr, 'manager');
  await openLive(mgr);
  expectContains(await prod.locator('.role-chip').textContent(), '生産部門', 'production sees its role');
  expectContains(await mgr.locator('.role-chip').textContent(), '工場長', 'the plant manager sees the role');
  expectEqual((await shownInjects(prod)).length, 0, 'no inject before the start');

  // Start at ×10 from the console.
  await fac.locator('label.seg:has(input[name=speed][value="10"])').click();
  await fac.click('#ctl-start');
  await fac.locator('#clock-state.drill-state-running').waitFor({ timeout: 5000 });
  expectEqual((await fac.locator('#clock-speed').textContent()).trim(), '×10', 'the console shows the speed');
  // INJ-001 (to everyone) arrives live on both participant pages, with a cue.
  await prod.locator('#my-inject-list [data-inject="INJ-001"]').waitFor({ timeout: 5000 });
  await mgr.locator('#my-inject-list [data-inject="INJ-001"]').waitFor({ timeout: 5000 });
  check(await prod.locator('#inject-banner').isVisible(), 'a banner announces the new inject');
  check(await prod.locator('#inject-INJ-001.is-new').count() === 1, 'the new inject is highlighted');
  const clock1 = await fac.locator('#clock-time').textContent();
  await fac.waitForTimeout(1200);  // the clock ticks in the page
  const clock2 = await fac.locator('#clock-time').textContent();
  check(clock1 !== clock2, `the scenario clock ticks (${clock1} → ${clock2})`);

  // Deliver three injects now: to production, to the plant manager, and the one that raises DP3 (to both).
  for (const id of ['INJ-003', 'INJ-007', 'INJ-017']) {
    await fac.click(`#deliver-${id}`);
    await fac.locator(`#delivered-list [data-inject="${id}"]`).waitFor({ timeout: 5000 });
  }
  await mgr.locator('#inject-INJ-007').waitFor({ timeout: 5000 });
  check(await mgr.locator('#inject-banner').isVisible(), 'the plant manager gets the banner for INJ-007');
  // INJ-002 (to the SIRT and the plant manager) comes by the clock at +00:02 (12 s at ×10).
  await fac.locator('#delivered-list [data-inject="INJ-002"]').waitFor({ timeout: 20000 });
  await fac.click('#ctl-pause');
  await fac.locator('#clock-state.drill-state-paused').waitFor({ timeout: 5000 });

  // Each participant sees exactly what is addressed to their role or to everyone.
  const state = await pageFetch(fac, `${API}/state`);
  expectStatus(state, 200, 'the facilitator reads the state');
  const delivered = state.body.injects || [];
  check(delivered.some((i) => i.inject === 'INJ-002'), 'INJ-002 was delivered');
  for (const [who, role] of [[prod, 'production'], [mgr, 'plant-manager']]) {
    const expected = sorted(delivered.filter((i) => !i.to.length || i.to.includes(role)).map((i) => i.inject));
    await who.waitForFunction((n) => document.querySelectorAll('#my-inject-list [data-inject]').length === n,
      expected.length, { timeout: 5000 }).catch(() => {});
    const shown = await shownInjects(who);
    expectEqual(sorted(shown), expected, `${role} sees the injects to ${role} or to everyone`);
    expectEqual(new Set(shown).size, shown.length, `${role}: no inject shown twice`);
    if (role === 'production') check(!shown.includes('INJ-002'), 'production never sees INJ-002 (to the SIRT and the plant manager)');
    if (role === 'plant-manager') check(!shown.includes('INJ-003'), 'the plant manager never sees INJ-003 (to production)');
  }
  const feedSeqs = await fac.locator('#feed [data-seq]').evaluateAll((els) => els.map((e) => e.dataset.seq));
  expectEqual(new Set(feedSeqs).size, feedSeqs.length, 'the live feed shows no event twice');
  await screenshot(fac, `${slug}-console`, { fullPage: false });
  await screenshot(mgr, `${slug}-participant-phone`, { fullPage: false });

  // The plant manager files a report; the console's board shows it within a second.
  const what = `押出機PLC-201の温度表示が乱れている（${Date.now() % 100000}）`;
  await mgr.fill('#report-what', what);
  await mgr.fill('#report-line', 'ライン2（配合・押出）');
  await mgr.fill('#report-asset', 'ライン2 押出機PLC PLC-201');
  await mgr.fill('#report-impact', 'ペレットの品質に影響のおそれ');
  const onBoard = fac.waitForFunction((text) => (document.getElementById('board')?.textContent || '').includes(text),
    what, { timeout: 1000 }).then(() => null, (e) => e);
  await mgr.click('#report-form button[type=submit]');
  const boardError = await onBoard;
  check(boardError === null, `the console's board shows the report within 1 s${boardError ? ': ' + boardError.message : ''}`);
  await mgr.locator('#board').getByText(what).waitFor({ timeout: 5000 });

  // And the stop decision: DP3 "stop only the affected lines", with the criteria ticked.
  await mgr.click('#tab-decision');
  const dpOptions = await mgr.locator('#decision-dp option').evaluateAll((els) => els.map((o) => ({ v: o.value, d: o.disabled })));
  check(dpOptions.some((o) => o.v === 'DP3' && !o.d), 'the plant manager may decide DP3');
  await mgr.selectOption('#decision-dp', 'DP3');
  await mgr.check('#decision-options input[value="stop-affected"]');
  const criteria = mgr.locator('#decision-criteria input[name=criterion]');
  check(await criteria.count() >= 2, 'the organisation\'s criteria are shown as boxes to tick');
  await criteria.first().check();
  await mgr.fill('#decision-rationale', 'HMIが不安定で品質異常も出ているため、ライン2を手順に沿って停止する。');
  await mgr.fill('#decision-by', '工場長 田中');
  const decided = fac.waitForFunction(() => {
    const card = document.getElementById('dp-DP3');
    return card && card.classList.contains('is-decided') && card.textContent.includes('影響を受けたラインだけ停止する');
  }, null, { timeout: 1000 }).then(() => null, (e) => e);
  await mgr.click('#decision-form button[type=submit]');
  const decidedError = await decided;
  check(decidedError === null, `the console shows the DP3 stop decision within 1 s${decidedError ? ': ' + decidedError.message : ''}`);
  await mgr.locator('#dp-DP3.is-decided').waitFor({ timeout: 5000 });
  await prod.click('#tab-report');
  await prod.evaluate(() => window.scrollTo(0, 0));
  await screenshot(prod, `${slug}-participant`, { fullPage: false });
  await fac.evaluate(() => window.scrollTo(0, 0));
  await screenshot(fac, `${slug}-console-after`, { fullPage: false });

  // The mute toggle is remembered.
  await prod.click('#sound-toggle');
  expectEqual(await prod.getAttribute('#sound-toggle', 'aria-pressed'), 'false', 'the sound is off after the toggle');
  await prod.reload();
  expectEqual(await prod.getAttribute('#sound-toggle', 'aria-pressed'), 'false', 'the mute is remembered');

  // End the drill (confirmed), verify the log, read the review.
  await fac.click('#ctl-end');
  await fac.locator('#end-dialog').waitFor({ state: 'visible' });
  await fac.click('#end-confirm');
  await fac.locator('#clock-state.drill-state-ended').waitFor({ timeout: 5000 });
  const verify = await pageFetch(fac, `${API}/verify`);
  expectStatus(verify, 200, 'GET …/verify');
  expectEqual(verify.body.verified, true, 'the drill\'s log verifies');
  check(verify.body.events > 8, `the log holds the drill (${verify.body.events} events)`);

  await fac.goto(`/exercises/${DRILL}/review`);
  check(await fac.locator('svg.timeline-chart .tl-mark').count() > 5, 'the review draws the timeline');
  expectContains(await fac.locator('#verify-result').textContent(), '検証済み', 'the review shows the verification');
  expectContains(await fac.locator('.dp-review').textContent(), '影響を受けたラインだけ停止する', 'the review lists the stop decision');
  await screenshot(fac, `${slug}-review`, { fullPage: false });
  await fac.locator('.log-details summary').click();
  await screenshot(fac, `${slug}-review-full`);
  await prodContext.close();
  await mgrContext.close();
}, { demo: true });
