// Browser scenarios: the packaged VSIX installed into code-server as a user would, driven through the
// workbench UI in Chromium. Each step saves a screenshot under test-output/screenshots/.
// Run by `npm run test:editor` (after `npm run package`).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CODE_SERVER, NODE24, ROOT, launchBrowser, startCodeServer } from '../../scripts/editor/code-server.mjs';

const VSIX = path.join(ROOT, 'dist', 'dockerfile-seguro.vsix');
const SHOTS = path.join(ROOT, 'test-output', 'screenshots');
// A Marketplace-friendly download: the bundles, two WASM files, manifest and docs.
const VSIX_BUDGET_BYTES = 1_500_000;
const SAMPLE = ['FROM alpine:3.20.1', 'RUN apk add --no-cache curl=8.9.1-r1', 'WORKDIR /app', 'ADD app.py /app/', 'USER 1000', 'CMD ["python3", "/app/app.py"]', ''].join('\n');

describe('VS Code in the browser (code-server + Chromium), extension installed from the VSIX', () => {
  let server;
  let browser;
  let page;
  let workspace;

  before(async () => {
    assert.ok(fs.existsSync(VSIX), 'run `npm run package` first');
    const size = fs.statSync(VSIX).size;
    assert.ok(size < VSIX_BUDGET_BYTES, `VSIX is ${size} bytes, budget ${VSIX_BUDGET_BYTES}`);
    console.log(`VSIX size: ${(size / 1024).toFixed(0)} KiB`);
    fs.mkdirSync(SHOTS, { recursive: true });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-ui-'));
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), SAMPLE);
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none', 'files.autoSave': 'off', 'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    }));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-cs-home-'));
    const dirs = ['--user-data-dir', path.join(home, 'user'), '--extensions-dir', path.join(home, 'extensions')];
    const install = spawnSync(NODE24, [CODE_SERVER, ...dirs, '--install-extension', VSIX], { encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr + install.stdout);
    assert.match(install.stdout, /dockerfile-seguro/);
    server = await startCodeServer({ home, extraArgs: [workspace] });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  async function shot(name) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  }

  it('shows squiggles in the editor for the opened Dockerfile', async () => {
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type('Dockerfile');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { state: 'visible' });
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor .view-lines', { state: 'visible' });
    await page.waitForSelector('.monaco-editor .squiggly-warning', { timeout: 60_000 });
    await shot('1-squiggles');
  });

  it('lists the findings in the Problems panel with rule ids', async () => {
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'prefer-copy' }).first();
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.innerText(), /ADD copies only local files/);
    await shot('2-problems');
  });

  it('explains the finding on hover with a link to the guide', async () => {
    await page.locator('.monaco-editor .view-line', { hasText: 'ADD app.py' }).first().click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover-content', { hasText: 'Why' }).first();
    await hover.waitFor({ timeout: 30_000 });
    const link = hover.locator('a[href*="c03.md#315-copy-o-add"]').first();
    assert.ok(await link.count(), 'hover links to the guide section');
    await shot('3-hover');
    await page.keyboard.press('Escape');
  });

  it('applies the quick fix from the lightbulb menu and saves it to disk', async () => {
    await page.locator('.monaco-editor .view-line', { hasText: 'ADD app.py' }).first().click();
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Replace ADD with COPY' }).first();
    await item.waitFor({ timeout: 30_000 });
    await shot('4-quick-fix-menu');
    await item.click();
    await page.locator('.monaco-editor .view-line', { hasText: 'COPY app.py' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+S');
    const file = path.join(workspace, 'Dockerfile');
    const deadline = Date.now() + 30_000;
    // The save is asynchronous inside the workbench: poll the file, bounded.
    while (!fs.readFileSync(file, 'utf8').includes('COPY app.py') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(fs.readFileSync(file, 'utf8'), SAMPLE.replace('ADD app.py', 'COPY app.py'));
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'prefer-copy' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    await shot('5-fixed-and-saved');
  });
});
