// Engine behaviour shared by all rules: options, ignore comments, localisation, text edits, robustness.
import { strict as assert } from 'assert';
import { mapHadolintConfig } from '../shared/config';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { DockerfileModel } from '../shared/dockerfile';
import { fixAll, lint, lintModel } from '../shared/engine';
import { ignoreForLineEdit } from '../shared/ignore';
import { findingHover, keywordHover } from '../shared/hover';
import { applyEdits, LineIndex, minimalEdit } from '../shared/textDocument';
import { CORPUS, findingsOf, lintStrict, loadEngine } from './helpers';

before(loadEngine);

const ADD_LOCAL = 'FROM alpine:3.20\nADD app.py /app/\n';

describe('options', () => {
  it('uses the default severity and lets settings override or turn a rule off', () => {
    assert.equal(findingsOf(ADD_LOCAL, 'prefer-copy')[0].severity, 'warning');
    assert.equal(findingsOf(ADD_LOCAL, 'prefer-copy', { rules: { 'prefer-copy': 'error' } })[0].severity, 'error');
    assert.equal(findingsOf(ADD_LOCAL, 'prefer-copy', { rules: { 'prefer-copy': 'off' } }).length, 0);
  });

  it('localises messages and fix titles', () => {
    const [en] = findingsOf(ADD_LOCAL, 'prefer-copy');
    const [es] = findingsOf(ADD_LOCAL, 'prefer-copy', { locale: 'es' });
    assert.match(en.message, /use COPY/);
    assert.match(es.message, /usa COPY/);
    assert.equal(es.fixes[0].title, 'Reemplazar ADD por COPY');
    assert.equal(en.url, es.url);
    assert.equal(en.url, 'https://github.com/UlisesGascon/docker-seguro/blob/main/manuscript/c03.md#315-copy-o-add');
    assert.equal(en.guideSection, '3.1.5');
  });

  it('keeps running the other rules when one throws, and reports the error', () => {
    const errors: string[] = [];
    // Break the shell layer of this model (and of its views, which stage-scoped rules read) only: a rule
    // reading RUNs then throws. The text is new to the kept reports of stage-scoped rules, so they do run.
    const text = `FROM alpine:3.20\nRUN apk update\nADD app-${process.hrtime.bigint()}.py /app/\n`;
    const boom = () => { throw new Error('boom'); };
    const broken = new DockerfileModel(text);
    Object.assign(broken, {
      shellOf: boom,
      viewOf: (...parts: Parameters<DockerfileModel['viewOf']>) => Object.assign(DockerfileModel.prototype.viewOf.apply(broken, parts), { shellOf: boom }),
    });
    const findings = lintModel(broken, { onRuleError: (id) => errors.push(id) });
    assert.ok(findings.some((f) => f.ruleId === 'prefer-copy'));
    assert.ok(errors.includes('update-without-install'), `errors: ${errors.join(',')}`);
  });
});

describe('names that are members of Object.prototype', () => {
  // `RUN constructor`, `ENV toString=0`: table lookups by such names found Object.prototype's members and made
  // sixteen rules throw.
  const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

  it('are read as any other name by every rule', () => {
    let text = 'FROM debian:12\n';
    for (const n of NAMES) {
      text += `ENV ${n}=0\nARG ${n}=0\nLABEL ${n}=x\nRUN ${n} install ${n} && ${n} -u 0 ${n} && sudo --${n} ${n}\nCOPY ${n} /${n}\n`
        + `ADD ${n} /x/\nRUN export ${n}=0 && ${n}=1 apt-get install -y ${n} && npm ${n} ${n}\nHEALTHCHECK CMD ${n}\n`;
    }
    const errors: string[] = [];
    const findings = lint(`${text}USER root\n`, { onRuleError: (id, error) => errors.push(`${id}: ${String(error)}`) });
    assert.deepEqual(errors, []);
    assert.ok(findings.some((f) => f.ruleId === 'pin-apt'), 'apt-get install constructor: an unpinned package like any other');
  });

  it('are unknown hadolint levels in .hadolint.yaml', () => {
    const mapping = mapHadolintConfig({ override: { constructor: ['DL3008'], error: ['DL3002'] } });
    assert.ok(mapping.issues.some((i) => i.message.includes('unknown hadolint level "constructor"')), JSON.stringify(mapping.issues));
  });
});

describe('ignore comments', () => {
  it('silence the named rules on the next instruction only', () => {
    const text = [
      'FROM alpine:3.20',
      '# dockerfile-seguro ignore=prefer-copy -- generated file, replaced at deploy',
      'ADD a.txt /a',
      'ADD b.txt /b',
    ].join('\n');
    const lines = findingsOf(text, 'prefer-copy').map((f) => f.range.start.line);
    assert.deepEqual(lines, [3]);
  });

  it('cover every line of a multi-line instruction and accept several ids', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=user-root, prefer-copy\nADD --chown=1:1 \\\n  a.txt /a\n';
    assert.deepEqual(findingsOf(text, 'prefer-copy'), []);
  });

  it('do not silence other rules', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=user-root\nADD a.txt /a\n';
    assert.equal(findingsOf(text, 'prefer-copy').length, 1);
  });

  it('"disable for this line" inserts a comment that works, and extends an existing one', () => {
    const text = 'FROM alpine:3.20\n  ADD --chown=1:1 \\\n    a.txt /a\n';
    const model = new DockerfileModel(text);
    const edit = ignoreForLineEdit(model, 2, 'prefer-copy');
    const once = applyEdits(text, [edit]);
    assert.equal(once, 'FROM alpine:3.20\n  # dockerfile-seguro ignore=prefer-copy\n  ADD --chown=1:1 \\\n    a.txt /a\n');
    assert.deepEqual(findingsOf(once, 'prefer-copy'), []);
    const twice = applyEdits(once, [ignoreForLineEdit(new DockerfileModel(once), 2, 'user-root')]);
    assert.match(twice, /# dockerfile-seguro ignore=prefer-copy,user-root\n/);
  });

  it('keep CRLF line endings', () => {
    const text = 'FROM alpine:3.20\r\nADD a.txt /a\r\n';
    const out = applyEdits(text, [ignoreForLineEdit(new DockerfileModel(text), 1, 'prefer-copy')]);
    assert.equal(out, 'FROM alpine:3.20\r\n# dockerfile-seguro ignore=prefer-copy\r\nADD a.txt /a\r\n');
  });
});

describe('text edits', () => {
  it('LineIndex maps offsets and positions for LF, CRLF and CR-only text', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['ab', 'cde', '', 'f'].join(eol);
      const index = new LineIndex(text);
      assert.equal(index.lineCount, 4);
      assert.equal(index.lineText(1), 'cde');
      const offset = text.indexOf('d');
      assert.deepEqual(index.positionAt(offset), { line: 1, character: 1 });
      assert.equal(index.offsetAt({ line: 1, character: 1 }), offset);
      assert.equal(index.offsetAt({ line: 1, character: 99 }), text.indexOf('e') + 1, 'clamped to end of line');
    }
  });

  it('LineIndex places an offset between the CR and the LF of a line break at the end of that line', () => {
    const index = new LineIndex('ab\r\ncd\r\r\n');
    assert.deepEqual(index.positionAt(3), { line: 0, character: 2 });
    assert.deepEqual(index.positionAt(4), { line: 1, character: 0 });
    assert.deepEqual(index.positionAt(7), { line: 2, character: 0 }, 'the CR of a CRLF after a lone CR');
    assert.deepEqual(index.positionAt(8), { line: 2, character: 0 }, 'between that CR and its LF');
    assert.deepEqual(index.positionAt(9), { line: 3, character: 0 });
  });

  it('applyEdits rejects overlapping edits instead of corrupting text', () => {
    const r = (a: number, b: number) => ({ start: { line: 0, character: a }, end: { line: 0, character: b } });
    assert.equal(applyEdits('abcdef', [{ range: r(4, 5), newText: 'E' }, { range: r(0, 1), newText: 'A' }]), 'AbcdEf');
    assert.throws(() => applyEdits('abcdef', [{ range: r(0, 3), newText: '' }, { range: r(2, 4), newText: '' }]), /Overlapping/);
  });

  it('minimalEdit turns one text into the other without splitting CRLF', () => {
    const pairs: Array<[string, string]> = [
      ['a\r\nb\r\n', 'a\r\nX\r\nb\r\n'],
      ['a\r\nb', 'a\r\n'],
      ['same', 'same'],
      ['', 'new'],
      ['FROM x\nADD a b\n', 'FROM x\nCOPY a b\n'],
    ];
    for (const [before, after] of pairs) {
      const edit = minimalEdit(before, after);
      assert.equal(edit ? applyEdits(before, [edit]) : before, after);
    }
  });
});

describe('hover texts', () => {
  it('explain a finding with why, how and the guide link, in both languages', () => {
    const [finding] = findingsOf(ADD_LOCAL, 'prefer-copy');
    const en = findingHover(finding, 'en');
    assert.match(en, /\*\*Why:\*\*/);
    assert.match(en, /\*\*How to fix:\*\*/);
    assert.ok(en.includes('(https://github.com/UlisesGascon/docker-seguro/blob/main/manuscript/c03.md#315-copy-o-add)'));
    const es = findingHover(findingsOf(ADD_LOCAL, 'prefer-copy', { locale: 'es' })[0], 'es');
    assert.match(es, /\*\*Por qué:\*\*/);
  });

  it('give keyword advice only for the guide\'s keywords', () => {
    assert.match(keywordHover('user', 'en')!, /unprivileged user/);
    assert.match(keywordHover('HEALTHCHECK', 'es')!, /319-health-checks/);
    assert.equal(keywordHover('RUN', 'en'), null);
  });
});

describe('robustness', () => {
  const nasty = [
    '',
    '\uFEFFFROM alpine\n',
    'FROM',
    'RUN <<EOF\napt-get update\n',
    'FROM alpine\nRUN echo "unterminated \\\n',
    'FROM alpine\nRUN ' + 'a && '.repeat(2000) + 'b\n',
    'FROM alpine\r' + 'RUN apk update\r' + 'ADD a b\r',
    '\0\0\0FROM\0alpine\n',
    'FROM alpine\nRUN echo ' + 'x'.repeat(200_000) + '\n',
    'FROM alpine\nRUN \\\n' + ' \\\n'.repeat(5000) + 'apk update\n',
    'FROM ñandú:1\nRUN echo "héllo 🐳" && apt-get update\nUSER 😀\n',
    '# escape=`\nFROM alpine\nRUN apk update `\n  && echo `\n',
  ];
  nasty.forEach((text, i) => {
    it(`never throws on hostile input #${i}`, () => {
      const findings = lintStrict(text);
      for (const f of findings) {
        const index = new LineIndex(text);
        assert.ok(f.range.start.line < index.lineCount && f.range.end.line < index.lineCount, 'range inside the document');
      }
      fixAll(text);
    });
  });

  it('lints the whole corpus without a rule error', { skip: !fs.existsSync(CORPUS) && 'corpus not present' }, () => {
    const files = fs.readdirSync(CORPUS);
    assert.ok(files.length > 500);
    let findings = 0;
    for (const file of files) findings += lintStrict(fs.readFileSync(path.join(CORPUS, file), 'utf8')).length;
    assert.ok(findings > 0);
  });
});
