// Drives the model browser (/ui) in the system's Chromium the way operators use it: an admin enters the key once,
// walks batch → model → versions by their visible names, rolls back to the first version after confirming, and
// cancels a delete with the keyboard; a reader's key sees the same pages without any admin action; a 375 px window
// still fits. Run by ModelBrowserPackagedIT, which uploads the versions first and passes
//   MODELSTORE_URL   the service, e.g. http://127.0.0.1:8080
//   ADMIN_KEY, READER_KEY  keys with the admin and the reader role
//   BATCH, METRIC    the model
//   VERSIONS         its versions, oldest first, comma-separated
//   PAGED_METRIC, PAGED_TAG, PAGED_VERSIONS  a tagged model of the batch with more versions than a page holds
//   SCREENSHOT_DIR   where the screenshots go (created)
//   CHROMIUM         the browser (default /usr/bin/chromium: playwright-core brings none of its own)
// Exits 0 when every step saw what it expected; otherwise prints the failed step and exits 1.
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

const base = required('MODELSTORE_URL').replace(/\/$/, '');
const adminKey = required('ADMIN_KEY');
const readerKey = required('READER_KEY');
const batch = required('BATCH');
const metric = required('METRIC');
const versions = required('VERSIONS').split(',');
const pagedMetric = required('PAGED_METRIC');
const pagedTag = required('PAGED_TAG');
const pagedVersions = Number(required('PAGED_VERSIONS'));
const screenshots = required('SCREENSHOT_DIR');
const started = Date.now();
const ADMIN_ACTIONS = /^(Roll back|Set alias|Delete|Restore)/;

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

function step(message) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

/** A fresh browser context (its own sessionStorage), failing the run on any script error or refused resource. */
async function openPage(browser, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  current = page;
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    // A 401 from /api/v1/me before the key is entered is how the page learns it needs one.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) {
      problems.push(`a request left the service: ${request.url()}`);
    }
  });
  return page;
}

/** Opens the service's root, enters the key in the form and waits for the batch list. */
async function signIn(page, key) {
  const response = await page.goto(`${base}/`);
  check(response.ok(), `${base}/ answered ${response.status()}`);
  check(new URL(page.url()).pathname === '/ui/', `/ led to ${page.url()}, not /ui/`);
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Use this key' }).click();
  await page.getByRole('heading', { level: 1, name: 'Batches' }).waitFor();
}

async function openModel(page) {
  await page.getByRole('link', { name: batch, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: `Batch ${batch}` }).waitFor();
  await page.getByRole('link', { name: metric, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: `Model ${metric}` }).waitFor();
  await page.locator('table.versions').waitFor();
}

/** The versions table's row of one version (its accessible name starts with the version id). */
function rowOf(page, version) {
  return page.getByRole('row', { name: new RegExp(`^${version}\\s`) });
}

async function latestThroughApi() {
  const response = await fetch(`${base}/api/v1/models/${batch}/${metric}/latest/metadata`, { headers: { 'X-API-Key': adminKey } });
  check(response.ok, `latest/metadata answered ${response.status}`);
  return response.json();
}

const problems = [];
/** The page the last step ran in, for a screenshot when a step fails. */
let current = null;
await mkdir(screenshots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-background-networking'],
});
try {
  step('admin: / redirects to /ui/, which asks for a key');
  const admin = await openPage(browser, { width: 1400, height: 1000 });
  await admin.goto(`${base}/`);
  await admin.getByRole('heading', { name: 'Enter your API key' }).waitFor();
  await shot(admin, 'ui-0-key');
  await signIn(admin, adminKey);
  check(await admin.evaluate(() => document.cookie) === '', 'the page set a cookie');
  check(await admin.evaluate(() => sessionStorage.length) === 1, 'the key is not in sessionStorage');
  await admin.getByRole('row', { name: new RegExp(batch) }).getByRole('cell', { name: '2', exact: true }).waitFor();
  await shot(admin, 'ui-1-batches');

  step('admin: batch → model → versions by visible text');
  await admin.getByRole('link', { name: batch, exact: true }).click();
  await admin.getByRole('heading', { level: 1, name: `Batch ${batch}` }).waitFor();
  await admin.getByRole('cell', { name: versions[2], exact: true }).waitFor();
  await shot(admin, 'ui-2-batch');
  await admin.getByRole('link', { name: metric, exact: true }).click();
  await admin.getByRole('heading', { level: 1, name: `Model ${metric}` }).waitFor();
  const rows = admin.locator('table.versions tbody tr');
  await rows.nth(2).waitFor();
  check(await rows.count() === 3, `the versions table has ${await rows.count()} rows, not 3`);
  const listed = await rows.locator('th').allInnerTexts();
  check(listed.map((text) => text.replace(/^Version\s*/, '').trim()).join(',') === [...versions].reverse().join(','),
    `versions are not listed newest first: ${listed}`);
  check(await admin.locator('svg.history-plot g.version').count() === 3, 'the history plot has no bar per version');
  await rowOf(admin, versions[0]).getByText('Details').click();
  await rowOf(admin, versions[0]).getByText('scikit-learn').waitFor();
  await shot(admin, 'ui-3-versions');

  step('admin: Escape cancels a delete');
  await admin.getByRole('button', { name: `Delete ${versions[1]}`, exact: true }).focus();
  await admin.keyboard.press('Enter');
  const dialog = admin.getByRole('dialog');
  await dialog.waitFor();
  check(await admin.evaluate(() => document.activeElement?.id) === 'confirm-cancel', 'focus did not start on Cancel');
  await admin.keyboard.press('Escape');
  await admin.getByText('Cancelled; nothing was changed.').waitFor();

  step(`admin: roll back to ${versions[0]}`);
  await rowOf(admin, versions[0]).getByRole('button', { name: `Roll back to ${versions[0]}`, exact: true }).click();
  await dialog.waitFor();
  await shot(admin, 'ui-4-confirm');
  await dialog.getByRole('button', { name: `Roll back to ${versions[0]}`, exact: true }).click();
  await admin.getByText(`Latest is now version ${versions[0]}.`).waitFor();
  await admin.locator('svg.history-plot .rollback-label').waitFor();
  await shot(admin, 'ui-5-rolled-back');
  const latest = await latestThroughApi();
  check(latest.version === versions[0] && latest.pinned === true, `latest is ${JSON.stringify(latest)} after the rollback`);

  step(`admin: roll back again, to ${versions[1]}; the first rollback stays on the plot and in the moves of latest`);
  await rowOf(admin, versions[1]).getByRole('button', { name: `Roll back to ${versions[1]}`, exact: true }).click();
  await dialog.getByRole('button', { name: `Roll back to ${versions[1]}`, exact: true }).click();
  await admin.getByText(`Latest is now version ${versions[1]}.`).waitFor();
  await admin.locator('svg.history-plot g.rollback.earlier').waitFor();
  const moves = admin.locator('table.moves tbody tr');
  const movesText = await moves.allInnerTexts();
  check(movesText.length === 5 && movesText[0].includes(versions[1]) && movesText[0].includes('rollback')
    && movesText[1].includes(versions[0]) && movesText[1].includes('rollback') && movesText[2].includes('upload'),
  `the moves of latest read:\n${movesText.join('\n')}`);
  await shot(admin, 'ui-5-rolled-back-twice');

  step(`admin: alias production on ${versions[1]}`);
  await admin.getByRole('button', { name: `Set alias on ${versions[1]}`, exact: true }).click();
  await dialog.getByLabel('Alias name').fill('production');
  await dialog.getByRole('button', { name: 'Set alias', exact: true }).click();
  await admin.getByText(`Alias production now points to version ${versions[1]}.`).waitFor();
  await admin.getByRole('button', { name: 'Delete alias production', exact: true }).waitFor();
  await admin.locator('svg.history-plot .alias-label', { hasText: 'production' }).waitFor();

  step(`admin: the ${pagedVersions} versions of ${pagedMetric} (tag ${pagedTag}), a page at a time`);
  await admin.getByRole('link', { name: batch, exact: true }).click();
  await admin.getByRole('heading', { level: 1, name: `Batch ${batch}` }).waitFor();
  await admin.getByRole('row', { name: new RegExp(`^${pagedMetric}\\s+${pagedTag}\\s`) }).getByRole('link', { name: pagedMetric }).click();
  await admin.getByRole('heading', { level: 1, name: `Model ${pagedMetric} (tag ${pagedTag})` }).waitFor();
  check(await rows.count() === 10, `the first page has ${await rows.count()} rows, not 10`);
  await admin.getByRole('button', { name: 'Older versions' }).click();
  await admin.getByRole('table', { name: 'Versions, newest first: page 2' }).waitFor();
  check(await rows.count() === pagedVersions - 10, `the second page has ${await rows.count()} rows, not ${pagedVersions - 10}`);
  check(await admin.getByRole('button', { name: 'Older versions' }).count() === 0, 'the last page offers older versions');
  await admin.getByRole('button', { name: 'Newer versions' }).click();
  await admin.getByRole('table', { name: 'Versions, newest first: page 1' }).waitFor();
  check(await admin.locator('svg.history-plot g.version').count() === pagedVersions, 'the plot does not show every version');

  step('reader: the same pages, no admin action');
  const reader = await openPage(browser, { width: 1400, height: 1000 });
  await signIn(reader, readerKey);
  await openModel(reader);
  await reader.getByText('scorer').waitFor();
  const offered = await reader.getByRole('button', { name: ADMIN_ACTIONS }).count();
  check(offered === 0, `a reader is offered ${offered} admin actions`);
  check(await reader.locator('th', { hasText: 'Actions' }).count() === 0, 'a reader sees an Actions column');
  await shot(reader, 'ui-6-reader');

  step('narrow: 375 px wide, nothing wider than the window');
  const narrow = await openPage(browser, { width: 375, height: 800 });
  await signIn(narrow, adminKey);
  await openModel(narrow);
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the page is ${overflow} px wider than a 375 px window`);
  await shot(narrow, 'ui-7-narrow');

  check(problems.length === 0, `the browser reported:\n${problems.join('\n')}`);
  step(`done: rolled back to ${versions[0]} through the page; the reader saw no admin actions`);
} catch (error) {
  console.error(`FAILED: ${error.message}`);
  process.exitCode = 1;
  if (current) {
    await shot(current, 'ui-failed').catch(() => {});
    console.error(`the page's text at the failure:\n${await current.locator('body').innerText().catch(() => '?')}`);
  }
} finally {
  await browser.close();
}
