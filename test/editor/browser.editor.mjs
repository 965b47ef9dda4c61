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

/** Resolves once `file` contains `text`: checked now and on every change in its folder (fs.watch), 30 s at most. */
function fileIncludes(file, text) {
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(path.dirname(file));
    const finish = (error) => { clearTimeout(timer); watcher.close(); error ? reject(error) : resolve(); };
    // A save may replace the file: a moment without it is not an error.
    const check = () => { if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(text)) finish(); };
    const timer = setTimeout(() => finish(new Error(`${file} never contained ${JSON.stringify(text)}`)), 30_000);
    watcher.on('change', check);
    watcher.on('error', finish);
    check();
  });
}

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

  /**
   * The editor and the Problems panel down to its last row (no side bars, no empty panel space): the README's
   * screenshot, images/screenshot-quick-fix.png.
   */
  async function editorShot(name) {
    const boxes = await Promise.all(['.part.editor', '.part.panel'].map((selector) => page.locator(selector).first().boundingBox()));
    const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().bottom));
    const x = Math.min(...boxes.map((b) => b.x));
    const y = Math.min(...boxes.map((b) => b.y));
    const bottom = Math.min(Math.max(...boxes.map((b) => b.y + b.height)), Math.max(0, ...rows) + 12);
    const clip = { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: bottom - y };
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), clip });
  }

  it('shows squiggles in the editor for the opened Dockerfile', async () => {
    // From the Explorer, as a user would. (Quick Open was flaky: under load its file search sometimes listed nothing.)
    await page.locator('.explorer-folders-view .monaco-list-row .label-name', { hasText: /^Dockerfile$/ }).first().click({ timeout: 60_000 });
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
    await editorShot('readme-quick-fix');
    await item.click();
    await page.locator('.monaco-editor .view-line', { hasText: 'COPY app.py' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+S');
    const file = path.join(workspace, 'Dockerfile');
    // The save is asynchronous inside the workbench: wait for the file to change on disk.
    await fileIncludes(file, 'COPY app.py');
    assert.equal(fs.readFileSync(file, 'utf8'), SAMPLE.replace('ADD app.py', 'COPY app.py'));
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'prefer-copy' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    await shot('5-fixed-and-saved');
  });
});
