// Drives Swagger UI in the system's Chromium the way an operator does: Authorize with an API key, upload a model
// through the upload form, list the versions, download latest. Run by SwaggerUiBrowserPackagedIT, which passes
//   MODELSTORE_URL   the service, e.g. http://127.0.0.1:8080
//   MODELSTORE_API_KEY  a key with the writer or admin role
//   SCREENSHOT_DIR   where the screenshots go (created)
//   CHROMIUM         the browser (default /usr/bin/chromium: playwright-core brings none of its own)
// Exits 0 when every step saw what it expected; otherwise prints the failed step and exits 1.
import { chromium } from 'playwright-core';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

const base = required('MODELSTORE_URL');
const apiKey = required('MODELSTORE_API_KEY');
const screenshots = required('SCREENSHOT_DIR');
const batch = 'swagger_ui';
const metric = 'cpu_usage';
const model = randomBytes(64 * 1024);
const sha256 = createHash('sha256').update(model).digest('hex');
const started = Date.now();

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

/** Opens an operation in "Try it out" mode and fills the batch and metric path parameters. */
async function tryOut(page, operationId) {
  const operation = page.locator(`#operations-models-${operationId}`);
  await operation.locator('.opblock-summary').first().click();
  // springdoc.swagger-ui.try-it-out-enabled opens every operation in "Try it out" mode; press it otherwise.
  const tryItOut = operation.getByRole('button', { name: 'Try it out' });
  if (await tryItOut.count() > 0) {
    await tryItOut.click();
  }
  await operation.locator('button.execute').waitFor();
  for (const [name, value] of [['batch', batch], ['metric', metric]]) {
    await operation.locator(`tr[data-param-name="${name}"] input`).fill(value);
  }
  return operation;
}

/** Presses Execute, saves a screenshot of the operation, and returns the live response's status and its text. */
async function execute(operation, name) {
  await operation.locator('button.execute').click();
  const response = operation.locator('.live-responses-table tbody tr.response').first();
  await response.waitFor();
  const result = {
    status: Number((await response.locator('.response-col_status').innerText()).trim()),
    // The response body and the response headers, as Swagger UI shows them.
    body: await response.locator('.response-col_description').innerText(),
  };
  await operation.screenshot({ path: path.join(screenshots, `${name}.png`) });
  return result;
}

await mkdir(screenshots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // Generous: on a loaded 2-core machine Swagger UI alone took 15 s to render its operations.
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);

  step(`opening ${base}/swagger-ui.html`);
  await page.goto(`${base}/swagger-ui.html`);
  await page.locator('#operations-models-upload').waitFor();

  step('Authorize: entering the API key as the bearer token');
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.locator('input[aria-label="auth-bearer-value"]').fill(apiKey);
  await dialog.locator('.auth-container').filter({ has: page.locator('input[aria-label="auth-bearer-value"]') })
    .locator('button.authorize').click();
  await dialog.locator('button[aria-label="Remove authorization"]').first().waitFor();
  await page.screenshot({ path: path.join(screenshots, '1-authorize.png') });
  await dialog.locator('button.close-modal').click();

  step('upload: multipart form with a file');
  const upload = await tryOut(page, 'upload');
  await upload.locator('.opblock-section-request-body select').selectOption('multipart/form-data');
  await upload.locator('input[type="file"]').first().setInputFiles({
    name: 'model.pkl', mimeType: 'application/octet-stream', buffer: model,
  });
  const uploaded = await execute(upload, '2-upload');
  check(uploaded.status === 201, `upload answered ${uploaded.status}: ${uploaded.body}`);
  const version = /"version"\s*:\s*"(\d{8}_\d{6}(?:_\d{2})?)"/.exec(uploaded.body)?.[1];
  check(version, `the upload's answer names no version: ${uploaded.body}`);
  check(uploaded.body.includes(sha256), `the upload's descriptor does not carry the model's SHA-256 ${sha256}`);
  step(`uploaded version ${version}`);

  step('versions: the new version is listed');
  const versions = await tryOut(page, 'versions');
  const listed = await execute(versions, '3-versions');
  check(listed.status === 200, `versions answered ${listed.status}: ${listed.body}`);
  check(listed.body.includes(version), `version ${version} is not in the list: ${listed.body}`);

  step('latest: download');
  const latest = await tryOut(page, 'latest');
  const downloaded = await execute(latest, '4-latest');
  check(downloaded.status === 200, `latest answered ${downloaded.status}: ${downloaded.body}`);
  check(downloaded.body.toLowerCase().includes(`x-model-version: ${version}`), `latest is not version ${version}: ${downloaded.body}`);
  check(downloaded.body.toLowerCase().includes(`x-model-sha256: ${sha256}`), `latest's X-Model-Sha256 is not ${sha256}`);
  check(downloaded.body.includes('Download file'), 'Swagger UI offers no download link for the model bytes');

  step(`done: Swagger UI authorised, uploaded ${version}, listed it and downloaded it (sha256 ${sha256})`);
} catch (error) {
  console.error(`FAILED: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
