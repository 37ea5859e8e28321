// The JSON API in a real browser (headless Chromium): the service routes,
// signing in with fetch from the page (the HttpOnly session cookie kept by the
// browser, out of reach of scripts), who am I, signing out with and without
// the CSRF token, and the security headers on a page, with the CSP enforced by
// the browser (an inline script does not run).
import {
  test, signIn, pageFetch, screenshot, check, expectEqual, expectContains, expectStatus, DEMO_PASSWORD,
} from './lib.mjs';

await test('API smoke test in Chromium', async ({ page, context, server, slug }) => {
  // Service routes.
  let response = await page.goto('/healthz');
  expectStatus(response, 200, 'GET /healthz');
  expectEqual(await response.json(), { status: 'ok' }, 'GET /healthz body');
  response = await page.goto('/api/v1');
  expectStatus(response, 200, 'GET /api/v1');
  const about = await response.json();
  expectEqual(about.name, 'kunren', 'GET /api/v1 name');
  expectEqual(about.api, 'v1', 'GET /api/v1 api');
  expectContains(response.headers()['content-type'] || '', 'application/json', 'GET /api/v1 Content-Type');

  // Not signed in yet.
  let me = await pageFetch(page, '/api/v1/me');
  expectStatus(me, 401, 'GET /api/v1/me before signing in');
  expectEqual(me.body?.error?.code, 'not_signed_in', 'GET /api/v1/me before signing in: error code');

  // A wrong password: the error shape, no cookie.
  const wrong = await signIn(page, 'evaluator2', 'not the password');
  expectStatus(wrong, 401, 'sign-in with a wrong password');
  expectEqual(wrong.body?.error?.code, 'invalid_credentials', 'sign-in with a wrong password: error code');
  expectEqual((await context.cookies()).filter((c) => c.name === 'kunren_session').length, 0,
    'no session cookie after a failed sign-in');

  // Signing in: the browser keeps an HttpOnly, SameSite=Lax cookie that scripts cannot read.
  const session = await signIn(page, 'coordinator', DEMO_PASSWORD);
  expectStatus(session, 200, 'sign-in as coordinator');
  expectEqual(session.body?.login, 'coordinator', 'sign-in answer: login');
  check(typeof session.body?.csrf_token === 'string' && session.body.csrf_token.length >= 32,
    `sign-in answer: a CSRF token, got ${JSON.stringify(session.body?.csrf_token)}`);
  const cookie = (await context.cookies()).find((c) => c.name === 'kunren_session');
  check(cookie !== undefined, 'the browser keeps the kunren_session cookie');
  if (cookie) {
    expectEqual(cookie.httpOnly, true, 'kunren_session is HttpOnly');
    expectEqual(cookie.sameSite, 'Lax', 'kunren_session SameSite');
    expectEqual(cookie.path, '/', 'kunren_session Path');
  }
  expectEqual(await page.evaluate(() => document.cookie.includes('kunren_session')), false,
    'document.cookie does not show the session');

  me = await pageFetch(page, '/api/v1/me');
  expectStatus(me, 200, 'GET /api/v1/me signed in');
  expectEqual(me.body?.login, 'coordinator', 'GET /api/v1/me login');
  check(Array.isArray(me.body?.roles) && me.body.roles.includes('coordinator'),
    `GET /api/v1/me roles include coordinator, got ${JSON.stringify(me.body?.roles)}`);
  expectEqual(me.body?.csrf_token, undefined, 'GET /api/v1/me does not repeat the CSRF token');

  // Signing out: refused without the CSRF token (the session stays), then done with it.
  const refused = await pageFetch(page, '/api/v1/session', { method: 'DELETE' });
  expectStatus(refused, 403, 'sign-out without X-CSRF-Token');
  expectEqual(refused.body?.error?.code, 'csrf', 'sign-out without X-CSRF-Token: error code');
  expectStatus(await pageFetch(page, '/api/v1/me'), 200, 'GET /api/v1/me after the refused sign-out');
  const out = await pageFetch(page, '/api/v1/session', { method: 'DELETE', csrf: session.body?.csrf_token });
  expectStatus(out, 204, 'sign-out with X-CSRF-Token');
  expectStatus(await pageFetch(page, '/api/v1/me'), 401, 'GET /api/v1/me after signing out');
  expectEqual((await context.cookies()).filter((c) => c.name === 'kunren_session').length, 0,
    'the session cookie is gone after signing out');

  // A page response (the front page, after any redirect) carries the security
  // headers, and the browser enforces the CSP: an inline script does not run.
  response = await page.goto('/');
  check(response !== null && response.status() < 500, `GET / answered ${response?.status()}`);
  const headers = response ? await response.allHeaders() : {};
  const csp = headers['content-security-policy'] || '';
  expectContains(csp, "frame-ancestors 'none'", `Content-Security-Policy of ${page.url()}`);
  check(!/script-src[^;]*'unsafe-inline'/.test(csp),
    `Content-Security-Policy allows inline scripts: ${csp}`);
  expectEqual(headers['x-content-type-options'], 'nosniff', 'X-Content-Type-Options');
  expectEqual(headers['x-frame-options'], 'DENY', 'X-Frame-Options');
  expectEqual(headers['referrer-policy'], 'no-referrer', 'Referrer-Policy');
  const inlineRan = await page.evaluate(() => {
    window.kunrenInlineRan = false;
    const s = document.createElement('script');
    s.textContent = 'window.kunrenInlineRan = true;';
    document.head.appendChild(s);
    return window.kunrenInlineRan;
  });
  expectEqual(inlineRan, false, 'an inline script ran despite the CSP');

  // Every request above is in the access log, with neither the password nor the cookie.
  const log = server.accessLog();
  expectContains(log, '"path":"/api/v1/session"', 'access log');
  check(!log.includes(DEMO_PASSWORD), 'the access log shows the password');
  if (cookie) check(!log.includes(cookie.value), 'the access log shows the session id');

  console.log(`screenshot: ${await screenshot(page, slug)}`);
});
