// The extension inside a real VS Code (code-server here, or VS Code via @vscode/test-electron):
// diagnostics with codes and guide links, hovers, quick fixes applied through the workbench, fix-on-save,
// settings. Every wait is on an event (onDidChangeDiagnostics) with a timeout, never a sleep.
import { strict as assert } from 'assert';
import * as vscode from 'vscode';

const GUIDE = 'https://github.com/UlisesGascon/docker-seguro/blob/main/manuscript/';
const TIMEOUT = 30_000;
// The display language this run was started with: npm run test:editor runs the suite twice through
// scripts/editor/code-server.mjs, with `--locale en` and `--locale es` (plus a stub Spanish language pack, so VS Code
// really switches), and that script says which in DFS_EXPECTED_LANGUAGE. Elsewhere (test-electron) the suite follows whatever VS Code reports.
const LANGUAGE = process.env.DFS_EXPECTED_LANGUAGE ?? vscode.env.language;
const SPANISH = LANGUAGE.startsWith('es');
/** The English or the Spanish text, after the run's display language. */
const t = (en: string, es: string): string => (SPANISH ? es : en);

function folder(): vscode.Uri {
  const ws = vscode.workspace.workspaceFolders?.[0];
  assert.ok(ws, 'the test workspace folder is open');
  return ws.uri;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'dockerfile-seguro');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code ? String(d.code.value) : String(d.code);
}

/** Resolves when the document's diagnostics satisfy `predicate` (checked now and on every change). */
function diagnosticsWhere(uri: vscode.Uri, predicate: (ds: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const ds = ours(uri);
      if (predicate(ds)) {
        clearTimeout(timer);
        subscription.dispose();
        resolve(ds);
      }
    };
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out waiting for ${what}; have: ${ours(uri).map(codeOf).join(', ')}`));
    }, TIMEOUT);
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    check();
  });
}

let opened = 0;

/** Writes `text` to a new folder of the workspace (documents of earlier tests may be dirty) and opens it. */
async function openFresh(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(folder(), `case-${++opened}`, name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

const SAMPLE = ['FROM alpine:3.20.1', 'RUN apk update', 'RUN apk add --no-cache curl=8.9.1-r1', 'ADD app.py /app/', 'CMD ["python3", "/app/app.py"]', ''].join('\n');

describe(`Dockerfile Seguro in VS Code (display language ${LANGUAGE})`, () => {
  it('activates for Dockerfiles and reports diagnostics with rule codes and guide links', async () => {
    const doc = await openFresh('Dockerfile', SAMPLE);
    assert.equal(doc.languageId, 'dockerfile');
    const ds = await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'prefer-copy'), 'prefer-copy');
    const copy = ds.find((d) => codeOf(d) === 'prefer-copy')!;
    assert.equal(copy.range.start.line, 3);
    assert.equal(copy.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(typeof copy.code === 'object' && copy.code.target.toString().startsWith(GUIDE + 'c03.md'), 'code links to the guide');
    assert.ok(ds.some((d) => codeOf(d) === 'user-root'));
    assert.ok(ds.some((d) => codeOf(d) === 'update-without-install'));
  });

  it('recognises Containerfile and *.Dockerfile names', async () => {
    for (const name of ['Containerfile', 'api.Dockerfile']) {
      const doc = await openFresh(name, 'FROM alpine:3.20.1\nADD a.txt /a\nUSER 1000\n');
      await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'prefer-copy'), `prefer-copy in ${name}`);
    }
  });

  it('explains a finding on hover, with the guide link', async () => {
    const doc = await openFresh('Dockerfile', SAMPLE);
    await diagnosticsWhere(doc.uri, (d) => d.length > 0, 'diagnostics');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(3, 1));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.ok(text.includes(`**${t('Why', 'Por qué')}:**`), text);
    assert.ok(text.includes(t('Docker Seguro guide §3.1.5', 'Guía Docker Seguro §3.1.5')), text);
    assert.ok(text.includes(GUIDE + 'c03.md#315-copy-o-add'));
  });

  it('applies each rule\'s quick fix through the code action provider and re-lints', async () => {
    const doc = await openFresh('Dockerfile', SAMPLE);
    const fixes = [
      ['prefer-copy', t('Replace ADD with COPY', 'Reemplazar ADD por COPY')],
      ['update-without-install', t('Merge apk update into install', 'Unir apk update con la instalación')],
      ['user-root', t('Insert non-root user block', 'Insertar bloque de usuario sin privilegios')],
    ];
    for (const [code, title] of fixes) {
      const ds = await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === code), code);
      const target = ds.find((d) => codeOf(d) === code)!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, target.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title === title);
      assert.ok(fix && fix.edit, `${title} offered (got: ${actions.map((a) => a.title).join(' | ')})`);
      assert.ok(fix.isPreferred);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      await diagnosticsWhere(doc.uri, (d) => !d.some((x) => codeOf(x) === code), `${code} gone after the fix`);
    }
    assert.match(doc.getText(), /COPY app\.py \/app\//);
    assert.match(doc.getText(), /RUN apk update && apk add/);
    assert.match(doc.getText(), /USER app/);
  });

  it('fixes everything on save with source.fixAll.dockerfileSeguro', async () => {
    const config = vscode.workspace.getConfiguration('editor', { languageId: 'dockerfile' });
    await config.update('codeActionsOnSave', { 'source.fixAll.dockerfileSeguro': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
    try {
      const doc = await openFresh('Dockerfile', 'FROM alpine:3.20.1\nADD a.txt /a\nADD b.txt /b\nUSER 1000\n');
      await diagnosticsWhere(doc.uri, (d) => d.filter((x) => codeOf(x) === 'prefer-copy').length === 2, 'two prefer-copy');
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((b) => b.insert(new vscode.Position(4, 0), '\n'));
      assert.ok(await doc.save());
      const onDisk = Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString('utf8');
      assert.equal(onDisk, 'FROM alpine:3.20.1\nCOPY a.txt /a\nCOPY b.txt /b\nUSER 1000\n\n');
    } finally {
      await config.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
    }
  });

  it('turns a rule off from the settings', async () => {
    const doc = await openFresh('Dockerfile', SAMPLE);
    await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'prefer-copy'), 'prefer-copy');
    const config = vscode.workspace.getConfiguration('dockerfileSeguro', doc.uri);
    await config.update('rules', { 'prefer-copy': 'off' }, vscode.ConfigurationTarget.Workspace);
    try {
      await diagnosticsWhere(doc.uri, (d) => d.length > 0 && !d.some((x) => codeOf(x) === 'prefer-copy'), 'prefer-copy off');
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'prefer-copy'), 'prefer-copy back on');
  });

  it('speaks the display language', async () => {
    // VS Code itself runs in the expected language (the client passes vscode.env.language to the server)...
    assert.equal(vscode.env.language, LANGUAGE, 'VS Code display language');
    const doc = await openFresh('Dockerfile', SAMPLE);
    const ds = await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'prefer-copy'), 'prefer-copy');
    // ...and so do the diagnostics.
    const message = ds.find((d) => codeOf(d) === 'prefer-copy')!.message;
    assert.match(message, SPANISH ? /ficheros locales: usa COPY/ : /local files here: use COPY/);
  });
});
