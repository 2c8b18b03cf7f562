// Swagger UI in a real browser: Debian's Chromium driven headless by playwright-core.
//
//   BASE_URL=http://127.0.0.1:PORT ADMIN_EMAIL=... ADMIN_PASSWORD=... node swagger-ui.test.mjs
//
// Proves that a person can use /docs as shipped: every asset is served by leadscore itself (no CDN, no
// validator badge, no fonts from elsewhere), Authorize accepts a token from the login endpoint, and
// "Try it out" on GET /api/v1/me gets a 200 with the signed-in account. Leaves a screenshot in output/.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = need('BASE_URL').replace(/\/$/, '');
const ADMIN_EMAIL = need('ADMIN_EMAIL');
const ADMIN_PASSWORD = need('ADMIN_PASSWORD');
const OUTPUT_DIR = process.env.OUTPUT_DIR ?? join(here, 'output');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The page is opened under a non-loopback host name mapped to 127.0.0.1 inside Chromium, so Swagger UI behaves as
// it would on a real deployment (it skips some outside requests, e.g. the validator badge, for localhost URLs).
const PAGE_HOST = process.env.PAGE_HOST ?? 'leadscore.test';
// Every asset and request must come from the server itself, with no exceptions. (Swagger UI's validator badge used
// to call validator.swagger.io with the spec's URL; the server now configures `validatorUrl: "none"`.)
const KNOWN_FOREIGN = [];

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`swagger-ui: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

function step(msg) {
  console.log(`swagger-ui: ${msg}`);
}

const api = new URL(BASE_URL);
const pageOrigin = `${api.protocol}//${PAGE_HOST}:${api.port}`;

mkdirSync(OUTPUT_DIR, { recursive: true });

// 1. A token from the login endpoint, as a user would copy it from the login answer.
const login = await fetch(`${BASE_URL}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ identifier: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
});
if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
const accessToken = (await login.json()).data.accessToken;
step('signed in through the API');

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  // Never downloads anything: playwright-core has no browser of its own; this is Debian's chromium.
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    `--host-resolver-rules=MAP ${PAGE_HOST} 127.0.0.1`,
  ],
  // launch() always starts from a new, empty, temporary --user-data-dir of its own and removes it on close.
});

const requests = [];
const failures = [];
const pageErrors = [];
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => failures.push(`${r.url()} (${r.failure()?.errorText})`));
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  // 2. Open /docs/ and wait for the operations to render.
  const res = await page.goto(`${pageOrigin}/docs/`, { waitUntil: 'networkidle' });
  if (!res || res.status() !== 200) throw new Error(`/docs/ answered ${res?.status()}`);
  const me = page.locator('#operations-Me-get_me');
  await me.waitFor({ state: 'visible', timeout: 30_000 });
  step(`Swagger UI rendered ${await page.locator('.opblock').count()} operations`);

  // 3. Authorize with the bearer token.
  await page.locator('.auth-wrapper button.authorize').click();
  const modal = page.locator('.modal-ux');
  await modal.waitFor({ state: 'visible' });
  await modal.locator('input[type=text], input[type=password]').first().fill(accessToken);
  await modal.locator('.auth-btn-wrapper button.authorize').click();
  await modal.locator('.auth-btn-wrapper button', { hasText: /logout/i }).waitFor({ state: 'visible' });
  await modal.locator('button.btn-done, button.close-modal').first().click();
  await modal.waitFor({ state: 'hidden' });
  step('authorized with the access token');

  // 4. Expand GET /api/v1/me, Try it out, Execute.
  await me.locator('.opblock-summary-control, .opblock-summary').first().click();
  await me.locator('button.try-out__btn').click();
  await me.locator('button.execute').click();

  // 5. Read the live response in the page.
  const live = me.locator('.live-responses-table');
  await live.waitFor({ state: 'visible', timeout: 30_000 });
  const status = (await live.locator('tbody .response-col_status').first().innerText()).trim();
  const body = await live.locator('.response-col_description pre').first().innerText();
  const curl = await me.locator('.curl-command').innerText().catch(() => '');
  await me.screenshot({ path: join(OUTPUT_DIR, 'swagger-ui-get-me.png') });
  await page.screenshot({ path: join(OUTPUT_DIR, 'swagger-ui-full.png'), fullPage: true });
  step(`screenshots: ${join(OUTPUT_DIR, 'swagger-ui-get-me.png')} and swagger-ui-full.png`);

  if (status !== '200') throw new Error(`Execute showed status ${status}: ${body}`);
  if (!body.includes(ADMIN_EMAIL)) throw new Error(`the response shown does not contain ${ADMIN_EMAIL}: ${body}`);
  if (!curl.includes('Authorization: Bearer')) throw new Error(`the request was sent without the token: ${curl}`);
  step(`Execute → ${status}, the page shows ${ADMIN_EMAIL}`);


  // 6. Every request the page made went to leadscore itself.
  const isForeign = (u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== pageOrigin;
  const isKnown = (u) => KNOWN_FOREIGN.some((re) => re.test(u));
  const foreign = requests.filter((u) => isForeign(u) && !isKnown(u));
  if (foreign.length) throw new Error(`requests to other origins:\n  ${foreign.join('\n  ')}`);
  const tolerated = requests.filter((u) => isForeign(u) && isKnown(u));
  for (const u of tolerated) console.warn(`swagger-ui: WARNING known issue, tolerated: the page requested ${u}`);
  if (KNOWN_FOREIGN.length && !tolerated.length) {
    console.warn('swagger-ui: note: the validator badge request is gone; remove KNOWN_FOREIGN from this test.');
  }
  const failuresOwn = failures.filter((f) => !isKnown(f));
  if (failuresOwn.length) throw new Error(`failed requests:\n  ${failuresOwn.join('\n  ')}`);
  if (pageErrors.length) throw new Error(`JavaScript errors on the page:\n  ${pageErrors.join('\n  ')}`);
  const own = requests.filter((u) => !isForeign(u));
  step(`${own.length} requests went to ${pageOrigin}${tolerated.length ? ` (+${tolerated.length} tolerated, above)` : ''}:`);
  for (const u of [...new Set(own)]) console.log(`  ${new URL(u).pathname}`);
} catch (e) {
  failed = true;
  console.error(`swagger-ui: FAILED: ${e.message ?? e}`);
  if (requests.length) console.error(`requests seen:\n  ${requests.join('\n  ')}`);
} finally {
  await browser.close();
}
if (failed) process.exit(1);
step('OK');
