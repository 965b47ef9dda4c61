// Ignore comments of every scope, the unused-ignore rule and its fix, hadolint pragmas, and the edits of
// the "Disable <rule> for this line / stage / file" code actions.
import { strict as assert } from 'assert';
import { before, describe, it } from 'node:test';
import { DockerfileModel } from '../shared/dockerfile';
import { fixAll } from '../shared/engine';
import { ignoreForFileEdit, ignoreForLineEdit, ignoreForStageEdit, parseIgnoreDirectives } from '../shared/ignore';
import { RULES, RULES_BY_ID } from '../shared/rules';
import { applyEdits } from '../shared/textDocument';
import type { Finding } from '../shared/types';
import { findingsOf, lintStrict, loadEngine } from './helpers';

before(loadEngine);

const lines = (findings: Finding[]) => findings.map((f) => f.range.start.line);
const copy = (text: string) => lines(findingsOf(text, 'prefer-copy'));
const unused = (text: string, options = {}) => findingsOf(text, 'unused-ignore', options);

// Two stages, an ADD of a local file (prefer-copy) in each.
const TWO_STAGES = [
  'FROM alpine:3.20 AS build', //  0
  'ADD a.py /a/', //               1
  'ADD b.py /b/', //               2
  'FROM alpine:3.20', //           3
  'ADD c.py /c/', //               4
  '', //                           5
].join('\n');

describe('ignore comments: scopes', () => {
  it('without a comment, every ADD is reported (control)', () => {
    assert.deepEqual(copy(TWO_STAGES), [1, 2, 4]);
  });

  it('ignore= covers the next instruction only, with or without a reason', () => {
    for (const comment of ['# dockerfile-seguro ignore=prefer-copy', '# dockerfile-seguro ignore=prefer-copy -- vendored file', '  #dockerfile-seguro   ignore = prefer-copy--tight reason']) {
      const text = TWO_STAGES.replace('ADD a.py', `${comment}\nADD a.py`);
      assert.deepEqual(copy(text), [3, 5], comment);
      assert.deepEqual(unused(text), [], comment);
    }
  });

  it('ignore= skips comment lines between it and the instruction', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy -- reason\n# another comment\nADD a.py /a/\nADD b.py /b/\n';
    assert.deepEqual(copy(text), [4]);
  });

  it('ignore-stage= covers from the next instruction to the end of its stage', () => {
    const above = TWO_STAGES.replace('FROM alpine:3.20 AS build', '# dockerfile-seguro ignore-stage=prefer-copy -- build stage only\nFROM alpine:3.20 AS build');
    assert.deepEqual(copy(above), [5], 'above FROM: the whole first stage');
    const inside = TWO_STAGES.replace('ADD b.py', '# dockerfile-seguro ignore-stage=prefer-copy\nADD b.py');
    assert.deepEqual(copy(inside), [1, 5], 'inside the stage: from the next instruction on, not what came before nor the next stage');
    const last = TWO_STAGES.replace('ADD c.py', '# dockerfile-seguro ignore-stage=prefer-copy\nADD c.py');
    assert.deepEqual(copy(last), [1, 2]);
  });

  it('ignore-stage= above the global ARGs covers them and the first stage', () => {
    const text = '# dockerfile-seguro ignore-stage=prefer-copy\nARG BASE=alpine:3.20\nFROM $BASE\nADD a.py /a/\nFROM alpine:3.20\nADD b.py /b/\n';
    assert.deepEqual(copy(text), [5]);
  });

  it('ignore-file= covers the whole file wherever it is, reasons allowed', () => {
    for (const at of [0, 3, 6]) {
      const rows = TWO_STAGES.split('\n');
      rows.splice(at, 0, '# dockerfile-seguro ignore-file=prefer-copy -- generated Dockerfile');
      const text = rows.join('\n');
      assert.deepEqual(copy(text), [], `comment at line ${at}`);
      assert.deepEqual(unused(text), []);
    }
  });

  it('ignore-file= after parser directives is still read (dockerfile-ast would take it for a directive)', () => {
    const text = '# syntax=docker/dockerfile:1\n# escape=\\\n# dockerfile-seguro ignore-file=prefer-copy\nFROM alpine:3.20\nADD a.py /a/\n';
    assert.deepEqual(copy(text), []);
  });

  it('several ids, spaces around commas; other rules are untouched', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=user-root , prefer-copy\nADD a.py /a/\n';
    assert.deepEqual(copy(text), []);
    const other = 'FROM alpine:3.20\n# dockerfile-seguro ignore=update-without-install\nADD a.py /a/\n';
    assert.deepEqual(copy(other), [2]);
  });

  it('a comment inside a multi-line instruction or a heredoc is not a directive', () => {
    const continuation = 'FROM alpine:3.20\nRUN echo a \\\n# dockerfile-seguro ignore=prefer-copy\n  && echo b\nADD a.py /a/\n';
    assert.deepEqual(copy(continuation), [4]);
    assert.deepEqual(parseIgnoreDirectives(new DockerfileModel(continuation)), []);
    const heredoc = 'FROM alpine:3.20\nRUN <<EOF\n# dockerfile-seguro ignore=prefer-copy\necho hi\nEOF\nADD a.py /a/\n';
    assert.deepEqual(copy(heredoc), [5]);
  });

  it('`all` is not accepted: it silences nothing and is reported', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=all\nADD a.py /a/\n';
    assert.deepEqual(copy(text), [2]);
    const [finding] = unused(text);
    assert.match(finding.message, /explicit rule ids: "all" is not accepted/);
  });

  it('parses scope, ids with their ranges, and the reason', () => {
    const text = 'FROM alpine:3.20\n  # dockerfile-seguro ignore-stage=user-root, prefer-copy -- reviewed by security\nADD a.py /a/\n';
    const [d] = parseIgnoreDirectives(new DockerfileModel(text));
    assert.equal(d.scope, 'stage');
    assert.equal(d.source, 'dockerfile-seguro');
    assert.equal(d.reason, 'reviewed by security');
    assert.deepEqual(d.entries.map((e) => [e.text, e.range.start.character, e.range.end.character]), [['user-root', 35, 44], ['prefer-copy', 46, 57]]);
    assert.deepEqual([d.fromLine, d.toLine], [2, 3]);
  });
});

describe('unused-ignore', () => {
  it('is declared as documented: hint, guide 4.12, fixable, docs in both languages', () => {
    const rule = RULES_BY_ID.get('unused-ignore')!;
    assert.equal(rule.meta.severity, 'hint');
    assert.deepEqual(rule.meta.sections, ['4.12']);
    assert.equal(rule.meta.fixable, true);
    assert.ok(rule.meta.docs.en.title && rule.meta.docs.es.title && rule.meta.docs.en.why !== rule.meta.docs.es.why);
  });

  it('reports an id that silences nothing, on the id, with the scope in the message', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy -- was an ADD once\nCOPY a.py /a/\n';
    const [finding, ...rest] = unused(text);
    assert.deepEqual(rest, []);
    assert.equal(finding.severity, 'hint');
    assert.deepEqual(finding.range, { start: { line: 1, character: 27 }, end: { line: 1, character: 38 } });
    assert.match(finding.message, /"prefer-copy" silences nothing on the next instruction/);
    assert.equal(finding.guideSection, '4.12');
    const [es] = unused(text, { locale: 'es' });
    assert.match(es.message, /no silencia nada en la siguiente instrucción/);
  });

  it('reports only the unused ids of a comment', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=update-without-install,prefer-copy\nADD a.py /a/\n';
    assert.deepEqual(unused(text).map((f) => f.message.match(/"([^"]+)"/)![1]), ['update-without-install']);
  });

  it('reports unknown ids as unknown', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore-file=prefer-coppy\nADD a.py /a/\n';
    const [finding] = unused(text);
    assert.match(finding.message, /"prefer-coppy" is an unknown rule id/);
  });

  it('an ignore with no instruction after it silences nothing', () => {
    assert.equal(unused('FROM alpine:3.20\nCOPY a /a\n# dockerfile-seguro ignore=prefer-copy\n').length, 1);
  });

  it('an ignore comment without ids is reported', () => {
    const [finding] = unused('FROM alpine:3.20\n# dockerfile-seguro ignore= -- forgot the id\nCOPY a /a\n');
    assert.match(finding.message, /names no rule/);
  });

  it('is silent about rules turned off (it cannot tell) and about itself', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy\nCOPY a.py /a/\n';
    assert.equal(unused(text).length, 1, 'control');
    assert.deepEqual(unused(text, { rules: { 'prefer-copy': 'off' } }), []);
    assert.deepEqual(unused('FROM alpine:3.20\n# dockerfile-seguro ignore-file=unused-ignore\nCOPY a.py /a/\n'), []);
  });

  it('can be turned off, and silenced with an ignore-file comment', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy\nCOPY a.py /a/\n';
    assert.deepEqual(unused(text, { rules: { 'unused-ignore': 'off' } }), []);
    assert.deepEqual(unused(`# dockerfile-seguro ignore-file=unused-ignore\n${text}`), []);
  });

  it('never reports hadolint pragmas, even for codes we do not have', () => {
    const text = 'FROM alpine:3.20\n# hadolint ignore=DL3020,SC2086,DL9999\nCOPY a.py /a/\n# hadolint global ignore=DL3002\n';
    assert.deepEqual(unused(text), []);
  });

  it('fix: removes the only id with its whole line, and the re-lint is clean', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy -- old\nCOPY a.py /a/\n';
    const [finding] = unused(text);
    assert.equal(finding.fixes[0].kind, 'quickfix');
    assert.equal(finding.fixes[0].title, 'Remove the unused ignore comment');
    const fixed = applyEdits(text, finding.fixes[0].edits);
    assert.equal(fixed, 'FROM alpine:3.20\nCOPY a.py /a/\n');
    assert.deepEqual(unused(fixed), []);
  });

  it('fix: removes one id of several, with its comma, keeping the reason', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=update-without-install, prefer-copy -- reason\nADD a.py /a/\n';
    const [finding] = unused(text);
    assert.equal(finding.fixes[0].title, 'Remove "update-without-install" from the ignore comment');
    const fixed = applyEdits(text, finding.fixes[0].edits);
    assert.equal(fixed, 'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy -- reason\nADD a.py /a/\n');
    assert.deepEqual(unused(fixed), []);
    assert.deepEqual(copy(fixed), [], 'the used id still works');
    const last = 'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy,update-without-install\nADD a.py /a/\n';
    assert.equal(applyEdits(last, unused(last)[0].fixes[0].edits), 'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy\nADD a.py /a/\n');
  });

  it('fix-all removes every unused id, comment lines included, keeping CRLF, and is stable', () => {
    const text = [
      'FROM alpine:3.20',
      '# dockerfile-seguro ignore=nope,all',
      '# dockerfile-seguro ignore-file=prefer-copy',
      'COPY a.py /a/',
      '# dockerfile-seguro ignore=prefer-copy',
      'USER app',
      '# dockerfile-seguro ignore=prefer-copy',
    ].join('\r\n');
    const only = (id: string) => id === 'unused-ignore';
    const { text: fixed } = fixAll(text, {}, only);
    assert.equal(fixed, 'FROM alpine:3.20\r\nCOPY a.py /a/\r\nUSER app');
    assert.equal(fixAll(fixed, {}, only).text, fixed);
  });

  it('fix: removing a comment right after the parser directives never turns a later comment into one', () => {
    const text = '# syntax=docker/dockerfile:1\n# dockerfile-seguro ignore=prefer-copy\n# escape=`\nFROM alpine:3.20\nCOPY a /a\n';
    const fixed = applyEdits(text, unused(text)[0].fixes[0].edits);
    assert.equal(fixed, '# syntax=docker/dockerfile:1\n\n# escape=`\nFROM alpine:3.20\nCOPY a /a\n');
    assert.equal(new DockerfileModel(fixed).escapeChar, '\\');
  });
});

describe('hadolint pragmas', () => {
  const withEquivalent = RULES.filter((r) => r.meta.equivalents.hadolint?.length);
  const preferCopyCodes = RULES_BY_ID.get('prefer-copy')!.meta.equivalents.hadolint ?? [];

  it('the rules under test declare hadolint codes', () => {
    assert.ok(withEquivalent.length > 0);
    assert.ok(preferCopyCodes.length > 0, 'prefer-copy declares a hadolint code');
  });

  it('# hadolint ignore= silences the rules declaring those codes on the next instruction', () => {
    const text = `FROM alpine:3.20\n# hadolint ignore=DL3008,${preferCopyCodes[0]}\nADD a.py /a/\nADD b.py /b/\n`;
    assert.deepEqual(copy(text), [3]);
    const lower = `FROM alpine:3.20\n# hadolint ignore=${preferCopyCodes[0].toLowerCase()}\nADD a.py /a/\n`;
    assert.deepEqual(copy(lower), [], 'codes are case-insensitive');
  });

  it('# hadolint global ignore= silences them in the whole file', () => {
    const text = `FROM alpine:3.20\nADD a.py /a/\n# hadolint global ignore=${preferCopyCodes[0]}\nADD b.py /b/\n`;
    assert.deepEqual(copy(text), []);
  });

  it('codes no rule declares silence nothing', () => {
    const text = 'FROM alpine:3.20\n# hadolint ignore=DL9999,SC2086\nADD a.py /a/\n';
    assert.deepEqual(copy(text), [2]);
  });

  it('one code declared by several rules silences all of them', () => {
    const byCode = new Map<string, string[]>();
    for (const r of withEquivalent) for (const c of r.meta.equivalents.hadolint!) byCode.set(c, [...(byCode.get(c) ?? []), r.meta.id]);
    const text = `# hadolint global ignore=${[...byCode.keys()].join(',')}\nFROM alpine:3.20\n`;
    const [d] = parseIgnoreDirectives(new DockerfileModel(text));
    assert.equal(d.source, 'hadolint');
    assert.equal(d.scope, 'file');
    for (const [code, ids] of byCode) assert.deepEqual(d.entries.find((e) => e.text === code)!.ruleIds, ids);
  });
});

describe('disable edits', () => {
  const apply = (text: string, edit: ReturnType<typeof ignoreForLineEdit> | null) => {
    assert.ok(edit, 'an edit');
    return applyEdits(text, [edit]);
  };

  it('for this stage: a comment above the FROM of the finding\'s stage, which silences the rule there', () => {
    const fixed = apply(TWO_STAGES, ignoreForStageEdit(new DockerfileModel(TWO_STAGES), 2, 'prefer-copy'));
    assert.equal(fixed.split('\n')[0], '# dockerfile-seguro ignore-stage=prefer-copy');
    assert.deepEqual(copy(fixed), [5]);
    const second = apply(TWO_STAGES, ignoreForStageEdit(new DockerfileModel(TWO_STAGES), 4, 'prefer-copy'));
    assert.equal(second.split('\n')[3], '# dockerfile-seguro ignore-stage=prefer-copy');
    assert.deepEqual(copy(second), [1, 2]);
  });

  it('for this stage: extends an ignore-stage comment already above the FROM, keeping its reason', () => {
    const text = `# dockerfile-seguro ignore-stage=user-root -- base image is distroless\n${TWO_STAGES}`;
    const fixed = apply(text, ignoreForStageEdit(new DockerfileModel(text), 2, 'prefer-copy'));
    assert.equal(fixed.split('\n')[0], '# dockerfile-seguro ignore-stage=user-root,prefer-copy -- base image is distroless');
  });

  it('for this stage: nothing to offer before the first FROM', () => {
    assert.equal(ignoreForStageEdit(new DockerfileModel('ARG X=1\nFROM alpine\n'), 0, 'prefer-copy'), null);
  });

  it('for this file: after the parser directives, then extending that comment', () => {
    const text = '# syntax=docker/dockerfile:1\r\n# check=error=true\r\nFROM alpine:3.20\r\nADD a.py /a/\r\nADD b.py /b/\r\n';
    const once = apply(text, ignoreForFileEdit(new DockerfileModel(text), 'prefer-copy'));
    assert.equal(once, '# syntax=docker/dockerfile:1\r\n# check=error=true\r\n# dockerfile-seguro ignore-file=prefer-copy\r\nFROM alpine:3.20\r\nADD a.py /a/\r\nADD b.py /b/\r\n');
    assert.deepEqual(copy(once), []);
    const twice = apply(once, ignoreForFileEdit(new DockerfileModel(once), 'user-root'));
    assert.match(twice, /# dockerfile-seguro ignore-file=prefer-copy,user-root\r\n/);
    assert.equal(apply('FROM alpine\n', ignoreForFileEdit(new DockerfileModel('FROM alpine\n'), 'user-root')), '# dockerfile-seguro ignore-file=user-root\nFROM alpine\n');
  });

  it('for this line: extends a comment above even with other comments between', () => {
    const text = 'FROM alpine:3.20\n# dockerfile-seguro ignore=user-root -- why\n# note\nADD a.py /a/\n';
    const fixed = apply(text, ignoreForLineEdit(new DockerfileModel(text), 3, 'prefer-copy'));
    assert.equal(fixed, 'FROM alpine:3.20\n# dockerfile-seguro ignore=user-root,prefer-copy -- why\n# note\nADD a.py /a/\n');
    assert.deepEqual(copy(fixed), []);
  });

  it('the stage and file edits silence every finding of a one-stage file, rule by rule', () => {
    const text = 'FROM ubuntu:24.04\nRUN apt-get update\nADD app.py /app/\nRUN apt-get install -y curl\n';
    const findings = lintStrict(text).filter((f) => f.ruleId !== 'unused-ignore');
    assert.ok(findings.length > 0);
    for (const f of findings) {
      const model = new DockerfileModel(text);
      for (const edit of [ignoreForStageEdit(model, f.range.start.line, f.ruleId), ignoreForFileEdit(model, f.ruleId)]) {
        const after = lintStrict(apply(text, edit));
        assert.deepEqual(after.filter((g) => g.ruleId === f.ruleId), [], `${f.ruleId} still reported after ${edit!.newText.trim()}`);
        assert.deepEqual(after.filter((g) => g.ruleId === 'unused-ignore'), [], 'the new comment is used');
      }
    }
  });
});
