// dockerignore and dockerignore-secrets: the engine is told about the ignore file by its caller.
import { strict as assert } from 'assert';
import { before, describe, it } from 'node:test';
import { unignoredSensitive } from '../../shared/dockerignore';
import { applyEdits } from '../../shared/textDocument';
import type { ContextFile, FileChange, LintOptions } from '../../shared/types';
import { findingsOf, formatRange, loadEngine } from '../helpers';

before(loadEngine);

const COPY_ALL = 'FROM node:20.11.1-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n';
const none: LintOptions = { context: { dockerignore: null } };
const withIgnore = (text: string): LintOptions => ({ context: { dockerignore: { path: '.dockerignore', text } } });

/** Applies a fix's file changes to a virtual build context, as the CLI and the editor do on disk. */
function applyFileChange(current: ContextFile | null, change: FileChange): ContextFile {
  if (change.create) {
    assert.equal(current, null, 'create only when the file does not exist');
    return { path: change.path, text: applyEdits('', change.edits) };
  }
  assert.ok(current && current.path === change.path);
  return { path: change.path, text: applyEdits(current.text, change.edits) };
}

describe('dockerignore', () => {
  it('flags a whole-context COPY when the caller found no .dockerignore', () => {
    assert.deepEqual(findingsOf(COPY_ALL, 'dockerignore', none).map(formatRange), ['3:6-3:7']);
  });

  it('flags whole folders (src/, ./) but not single files, --from copies, URLs or heredocs, once per file', () => {
    const text = [
      'FROM alpine:3.20.1 AS build', 'COPY package.json ./', 'ADD https://example.com/a.tgz /tmp/', 'COPY src/ /src/',
      'FROM alpine:3.20.1', 'COPY --from=build /src /src', 'COPY <<EOF /etc/motd', 'hello', 'EOF', 'COPY ./ /app/', '',
    ].join('\n');
    assert.deepEqual(findingsOf(text, 'dockerignore', none).map(formatRange), ['4:6-4:10']);
    const later = 'FROM alpine:3.20.1\nCOPY package.json ./\nCOPY --from=build /src /src\nCOPY ./ /app/\n';
    assert.deepEqual(findingsOf(later, 'dockerignore', none).map(formatRange), ['4:6-4:8']);
  });

  it('stays quiet when the caller could not look (stdin, unsaved buffer) or found a file', () => {
    assert.deepEqual(findingsOf(COPY_ALL, 'dockerignore'), []);
    assert.deepEqual(findingsOf(COPY_ALL, 'dockerignore', withIgnore('.git\n')), []);
  });

  it('fix creates a .dockerignore that the secrets rule accepts', () => {
    const [finding] = findingsOf(COPY_ALL, 'dockerignore', none);
    const fix = finding.fixes[0];
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.edits, [], 'the Dockerfile itself is untouched');
    const created = applyFileChange(null, fix.files![0]);
    assert.equal(created.path, '.dockerignore');
    const after: LintOptions = { context: { dockerignore: created } };
    assert.deepEqual(findingsOf(COPY_ALL, 'dockerignore', after), []);
    assert.deepEqual(findingsOf(COPY_ALL, 'dockerignore-secrets', after), []);
  });
});

describe('dockerignore-secrets', () => {
  it('uses Docker\'s pattern semantics', () => {
    assert.deepEqual(unignoredSensitive('*\n!src\n').map((s) => s.sample), [], 'allow-list style excludes everything else');
    assert.ok(unignoredSensitive('node_modules\n').some((s) => s.sample === '.env'));
    assert.ok(!unignoredSensitive('.env*\n').some((s) => s.sample === '.env'));
    // .dockerignore (unlike .gitignore) anchors patterns at the context root: `*.key` misses certs/server.key.
    assert.ok(unignoredSensitive('*.key\n').some((s) => s.sample === 'certs/server.key'));
    assert.ok(!unignoredSensitive('**/*.key\n').some((s) => s.sample === 'certs/server.key'));
  });

  it('flags the whole-context COPY and names what leaks; fix appends only the missing patterns', () => {
    const ignore = { path: '.dockerignore', text: 'node_modules\n.git\r\n' };
    const [finding] = findingsOf(COPY_ALL, 'dockerignore-secrets', { context: { dockerignore: ignore } });
    assert.equal(formatRange(finding), '3:6-3:7');
    assert.match(finding.message, /\.env/);
    assert.doesNotMatch(finding.message, /\.git[,.]/);
    const fixed = applyFileChange(ignore, finding.fixes[0].files![0]);
    assert.ok(fixed.text.startsWith('node_modules\n.git\r\n'), 'existing lines kept');
    assert.ok(!/^\.git$/m.test(fixed.text.slice(ignore.text.length)), '.git not added twice');
    assert.deepEqual(findingsOf(COPY_ALL, 'dockerignore-secrets', { context: { dockerignore: fixed } }), []);
  });

  it('appends after a last line without newline', () => {
    const ignore = { path: 'Dockerfile.dockerignore', text: 'node_modules' };
    const [finding] = findingsOf(COPY_ALL, 'dockerignore-secrets', { context: { dockerignore: ignore } });
    const fixed = applyFileChange(ignore, finding.fixes[0].files![0]);
    assert.match(fixed.text, /^node_modules\n# Added by Dockerfile Seguro/);
    assert.match(finding.message, /Dockerfile\.dockerignore/);
  });

  it('is quiet without a whole-context copy, or with a complete ignore file', () => {
    assert.deepEqual(findingsOf('FROM alpine:3.20.1\nCOPY app.py /app/\nUSER 1000\n', 'dockerignore-secrets', withIgnore('')), []);
    assert.deepEqual(findingsOf(COPY_ALL, 'dockerignore-secrets', withIgnore('*\n!server.js\n!package.json\n')), []);
  });
});
