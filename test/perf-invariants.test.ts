// Structural properties behind the engine's speed (bench/ measures it; nothing here is timed):
// unchanged RUNs are not parsed again, caches never serve results that depend on context they do not key,
// and the shortcuts taken around dockerfile-ast (argument tokens, variable resolution, comment placement)
// and the string-slice shell sources give exactly what the straightforward code gave.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DockerfileParser, type Dockerfile, type From, type Instruction, type Run } from 'dockerfile-ast';
import { clearRunShellCache, DockerfileModel, instructionBuildCount, substituteVariables, tokenizeCount } from '../shared/dockerfile';
import { lint } from '../shared/engine';
import { parseIgnoreDirectives, type IgnoreEntry } from '../shared/ignore';
import { memoByObject } from '../shared/memo';
import { originalHeredocNames } from '../shared/heredocName';
import { isAbsoluteUrl } from '../shared/labels';
import { APT_ASSUME_YES } from '../shared/rules/apt-assume-yes';
import { RECOMMENDS_OFF } from '../shared/rules/apt-no-recommends';
import { credentialsIn } from '../shared/rules/credentials-in-url';
import { nameTokens } from '../shared/rules/secret-in-arg-env';
import { firstToken, lex, SED_SUBSTITUTE, SED_TEXT } from '../shared/shell/downloads';
import { serviceAccountJson } from '../shared/rules/secret-file-copy';
import { cutLastLineFrom, stripEdgeQuotes, wholeLine } from '../shared/shell/commands';
import { isDevelopmentFlag, isProductionFlag } from '../shared/toolchains';
import { originalPropertyValue, propertyValue } from '../shared/propertyValue';
import { threadCpuMs } from '../server/loadEngine';
import { Worker } from 'worker_threads';
import { clearParseCache, parseCount, parseShell } from '../shared/shell/parser';
import { LineIndex } from '../shared/textDocument';
import type { Finding, LintOptions } from '../shared/types';
import { CORPUS, loadEngine } from './helpers';

// Fixed seed: npm test is deterministic (`npm run fuzz` explores with new seeds).
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20_241_128) });

before(loadEngine);

const corpus: Array<{ name: string; text: string }> = fs.existsSync(CORPUS)
  ? fs.readdirSync(CORPUS).sort().map((name) => ({ name, text: fs.readFileSync(path.join(CORPUS, name), 'utf8') }))
  : [];
const noCorpus = corpus.length === 0 ? 'corpus not found' : false;

/** Each call gives text no other test has parsed, so the caches start cold for it. */
let unique = 0;
const fresh = () => `u${process.pid}x${++unique}`;

function parsesDuring(work: () => void): number {
  const before = parseCount();
  work();
  return parseCount() - before;
}

function clearCaches(): void {
  clearRunShellCache();
  clearParseCache();
}

const OPTIONS: LintOptions = { trustedRegistries: ['docker.io'] };
const summary = (findings: Finding[]) => JSON.stringify(findings.map((f) => [f.ruleId, f.range, f.message, f.fixes]));

describe('re-linting after an edit', () => {
  it('parses only the RUN that changed', () => {
    const tag = fresh();
    const runs = Array.from({ length: 12 }, (_, i) => `RUN apt-get update && apt-get install -y pkg${i}-${tag} \\\n    && rm -rf /var/lib/apt/lists/*`);
    const text = `FROM debian:12\n${runs.join('\n')}\nUSER app\n`;
    assert.equal(parsesDuring(() => lint(text)), 12, 'the first lint parses every RUN once, whatever the number of rules');
    assert.equal(parsesDuring(() => lint(text)), 0, 'the same text again parses nothing');
    const edited = text.replace(`pkg7-${tag}`, `pkg7-${tag}=1.2`);
    assert.equal(parsesDuring(() => lint(edited)), 1, 'one RUN changed: one parse');
  });

  it('parses nothing when RUNs only move, and places them where they are now', () => {
    const tag = fresh();
    const text = `FROM alpine:3.20\nRUN apk add --no-cache curl-${tag}\nRUN echo ${tag} \\\n  && apk add git-${tag}\n`;
    lint(text);
    const moved = `# a comment\n\n${text.replace('FROM alpine:3.20\n', 'FROM alpine:3.20\nWORKDIR /app\n')}`;
    let model!: DockerfileModel;
    assert.equal(parsesDuring(() => { model = new DockerfileModel(moved); lint(moved); }), 0);
    const texts = model.instructions.flatMap((i) => {
      const shell = model.shellOf(i);
      return shell ? shell.script.commands.map((c) => model.index.textIn(model.commandRange(shell, c))) : [];
    });
    assert.deepEqual(texts, [`apk add --no-cache curl-${tag}`, `echo ${tag}`, `apk add git-${tag}`]);
  });

  it('tokenizes only the instructions that changed, and places moved ones where they are now', () => {
    const tag = fresh();
    const lines = [`FROM debian:12 AS ${tag}`, `ENV A=1 B=${tag}`, `COPY --chown=app ${tag} /srv/`, `RUN echo ${tag} \\`, `    && make ${tag}`,
      `LABEL x="${tag}"`, `WORKDIR /srv/${tag}`, `CMD ["serve", "${tag}"]`];
    const text = `${lines.join('\n')}\n`;
    const tokenizations = (work: () => void) => { const before = tokenizeCount(); work(); return tokenizeCount() - before; };
    const first = tokenizations(() => lint(text));
    assert.ok(first >= 4 && first <= 7, `a new document: each instruction at most once, though dockerfile-ast builds them twice (${first})`);
    assert.equal(tokenizations(() => lint(text)), 0, 'the same text again');
    const edited = text.replace(`&& make ${tag}`, `&& make ${tag} all`);
    assert.equal(tokenizations(() => lint(edited)), 1, 'one instruction changed');
    const moved = `# syntax=docker/dockerfile:1\n\n${edited}`;
    let findings!: Finding[];
    assert.equal(tokenizations(() => { findings = lint(moved); }), 0, 'every instruction moved down two lines, none changed');
    const model = new DockerfileModel(moved);
    const args = (m: DockerfileModel) => JSON.stringify(m.instructions.map((i) => i.getArguments().map((a) => [a.getValue(), a.getRange()])));
    const fromCache = args(model);
    clearCaches();
    assert.equal(fromCache, args(new DockerfileModel(moved)), 'shifted tokens equal freshly made ones');
    assert.equal(summary(findings), summary(lint(moved)), 'and so do the findings');
  });

  it('builds only the instructions that changed, and copies the others with this document\'s context', () => {
    const tag = fresh();
    const text = `FROM debian:12 AS ${tag}\nARG V=1\nENV NODE_TLS_REJECT_UNAUTHORIZED=$V B=${tag}\nCOPY --chown=app ${tag} /srv/\nRUN echo ${tag} \\\n`
      + `    && make ${tag}\nLABEL x="${tag}"\nWORKDIR /srv/${tag}\nCMD ["serve", "${tag}"]\n`;
    const builds = (work: () => void) => { const before = instructionBuildCount(); work(); return instructionBuildCount() - before; };
    assert.ok(builds(() => lint(text, OPTIONS)) >= 6);
    assert.equal(builds(() => lint(text, OPTIONS)), 0, 'the same text again');
    const edited = text.replace(`&& make ${tag}`, `&& make ${tag} all`);
    assert.equal(builds(() => lint(edited, OPTIONS)), 1, 'one instruction changed');
    assert.ok(!lint(edited, OPTIONS).some((f) => f.ruleId === 'tls-verification-disabled'));
    // The copied ENV reads the ARG of this document (ARG is built every time): V=0 turns TLS checks off.
    const argChanged = edited.replace('ARG V=1', 'ARG V=0');
    let warm!: Finding[];
    assert.equal(builds(() => { warm = lint(argChanged, OPTIONS); }), 0, 'nothing else built');
    assert.ok(warm.some((f) => f.ruleId === 'tls-verification-disabled' && f.range.start.line === 2));
    clearCaches();
    assert.equal(summary(warm), summary(lint(argChanged, OPTIONS)), 'same findings as built from scratch');
  });

  it('gives what a cold lint gives after edits of real files (typing in a line, lines duplicated or deleted)', { skip: noCorpus }, () => {
    const files = corpus.filter((_, i) => i % 9 === 0);
    fc.assert(fc.property(fc.constantFrom(...files), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('type', 'duplicate', 'delete')), { minLength: 1, maxLength: 4 }),
      ({ text }, edits) => {
        let current = text;
        lint(current, OPTIONS);
        for (const [at, column, kind] of edits) {
          const lines = current.split('\n');
          const line = at % lines.length;
          if (kind === 'type') lines[line] = lines[line].slice(0, column % (lines[line].length + 1)) + 'x' + lines[line].slice(column % (lines[line].length + 1));
          else if (kind === 'duplicate') lines.splice(line, 0, lines[line]);
          else lines.splice(line, 1);
          current = lines.join('\n');
          const warm = summary(lint(current, OPTIONS));
          clearCaches();
          assert.equal(warm, summary(lint(current, OPTIONS)));
          lint(text, OPTIONS); // the previous version back in the caches, as in an editor
        }
      }), { numRuns: 60 });
  });

  it('shares the parsed script of the same RUN text between documents', () => {
    const run = `RUN make -C /src ${fresh()}`;
    const a = new DockerfileModel(`FROM debian:12\n${run}\n`);
    const b = new DockerfileModel(`FROM alpine:3.20\nWORKDIR /x\n${run}\n`);
    const sa = a.shellOf(a.instructions[1])!;
    const sb = b.shellOf(b.instructions[2])!;
    assert.equal(sa.script, sb.script);
    assert.notEqual(sa.offset, sb.offset);
  });
});

describe('pathological input', () => {
  it('gives up a shell parse that would take minutes, once per text: it is not parsed again on every lint', () => {
    const source = `echo ${'>'.repeat(30_000)} ${fresh()}`; // tree-sitter-bash error recovery: quadratic
    const script = parseShell(source);
    assert.equal(script.cancelled, true);
    assert.deepEqual([script.commands, script.chains, script.hasErrors], [[], [], true]);
    assert.equal(parsesDuring(() => assert.equal(parseShell(source), script)), 0, 'served from the cache');
    assert.equal(parseShell(`echo ${fresh()}`).commands.length, 1, 'the parser starts afresh after a cancelled parse');
  });

  it('reads a RUN whose heredocs dockerfile-ast cannot compute as having none', () => {
    const text = 'FROM alpine:3.20\nRUN echo \\\r# comment\n';
    assert.throws(() => (DockerfileParser.parse(text).getInstructions()[1] as Run).getHeredocs(), TypeError, 'dockerfile-ast itself throws');
    const model = new DockerfileModel(text);
    assert.deepEqual((model.instructions[1] as Run).getHeredocs(), []);
    assert.ok(model.shellOf(model.instructions[1]));
    const failed: string[] = [];
    lint(text, { onRuleError: (id) => failed.push(id) });
    assert.deepEqual(failed, []);
  });
});

describe('cached RUNs still see their context', () => {
  it('sees an ARG changed upstream of an unchanged RUN', () => {
    const run = `RUN curl -fsSL "$URL" -o /tmp/${fresh()}.tar.gz`;
    const doc = (url: string) => `FROM debian:12\nARG URL=${url}\n${run}\n`;
    const onRun = (text: string) => lint(text).filter((f) => f.ruleId === 'plain-http' && f.range.start.line === 2);
    assert.equal(onRun(doc('http://example.com/tool.tar.gz')).length, 1);
    assert.equal(parsesDuring(() => assert.equal(onRun(doc('https://example.com/tool.tar.gz')).length, 0)), 0,
      'the RUN is not parsed again, yet its finding follows the ARG');
    assert.equal(onRun(doc('http://example.com/tool.tar.gz')).length, 1);
  });

  it('drops the shell of a RUN whose base image becomes Windows through an ARG, and gets it back', () => {
    const run = `RUN apt-get install -y curl-${fresh()}`;
    const doc = (base: string) => `ARG BASE=${base}\nFROM \${BASE}\n${run}\n`;
    const shellOfRun = (text: string) => { const m = new DockerfileModel(text); return m.shellOf(m.instructions[2]); };
    assert.ok(shellOfRun(doc('debian:12')));
    assert.equal(shellOfRun(doc('mcr.microsoft.com/windows/servercore:ltsc2022')), null);
    assert.ok(shellOfRun(doc('debian:12')));
  });

  it('follows a SHELL above the RUN, in the stage or in a parent stage', () => {
    const run = `RUN echo ${fresh()}`;
    const shells = (text: string) => { const m = new DockerfileModel(text); return m.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => m.shellOf(i) !== null); };
    assert.deepEqual(shells(`FROM debian:12\n${run}\nSHELL ["pwsh", "-c"]\n${run}\n`), [true, false]);
    assert.deepEqual(shells(`FROM debian:12 AS a\nSHELL ["pwsh", "-c"]\nFROM a\n${run}\nSHELL ["/bin/bash", "-c"]\n${run}\n`), [false, true]);
  });

  it('keys RUNs by the escape character too', () => {
    const body = `RUN echo a ${fresh()} \\\n  b\n`;
    const backslash = new DockerfileModel(`FROM debian:12\n${body}`);
    const backtick = new DockerfileModel(`# escape=\`\nFROM debian:12\n${body}`);
    const source = (m: DockerfileModel) => m.shellOf(m.instructions.find((i) => i.getKeyword() === 'RUN')!)!.source;
    assert.ok(!source(backslash).includes('\\'), 'a continuation under \\');
    assert.ok(source(backtick).includes('\\'), 'plain text under `');
  });

  it('gives the same findings with warm caches as with cold ones, after any sequence of edits', () => {
    const lines = [
      'FROM debian:12', 'FROM ${BASE}', 'FROM build', 'FROM alpine:3.20 AS build', 'ARG BASE=debian:12',
      'ARG BASE=mcr.microsoft.com/windows/servercore:ltsc2022', 'ARG URL=http://example.com/a.tgz', 'ARG URL=https://example.com/a.tgz',
      'ENV URL=http://mirror.example/b.tgz', 'SHELL ["pwsh", "-c"]', 'SHELL ["/bin/sh", "-c"]', 'USER root', 'USER app',
      'RUN curl -fsSL "$URL" | sh', 'RUN apt-get update && apt-get install -y curl', 'RUN apk add curl \\', '    && chmod 777 /app',
      'RUN <<EOF', 'apt-get install -y vim', 'EOF', '# dockerfile-seguro ignore=plain-http', 'COPY . /app', 'RUN ["sh", "-c", "echo"]',
    ];
    const doc = fc.array(fc.constantFrom(...lines), { minLength: 1, maxLength: 14 }).map((ls) => ls.join('\n') + '\n');
    fc.assert(fc.property(fc.array(doc, { minLength: 2, maxLength: 4 }), (versions) => {
      const warm = versions.map((text) => summary(lint(text, OPTIONS)));
      clearCaches();
      versions.forEach((text, i) => {
        clearCaches();
        assert.equal(summary(lint(text, OPTIONS)), warm[i]);
      });
    }), { numRuns: 80 });
  });

  // Commands, scripts and image references are read once and the readings kept (shared/memo.ts): downloads,
  // installs, assignments, written texts, package-manager calls, image families. The same RUNs under other
  // base images, ARGs, users and shells must still give what a cold lint gives.
  it('gives the same findings with readings of RUNs and images kept from other documents', () => {
    const tag = fresh();
    const lines = [
      'FROM debian:12', 'FROM alpine:3.20 AS build', 'FROM build', 'FROM node:20', 'FROM gcr.io/distroless/static:nonroot',
      'FROM ${BASE}', 'FROM mcr.microsoft.com/dotnet/sdk:8.0', 'FROM python:3.12-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'ARG BASE=ubuntu:24.04', 'ARG BASE=mcr.microsoft.com/windows/servercore:ltsc2022', 'ARG URL=http://example.com/a.tgz',
      'ARG URL=https://example.com/a.tgz', 'ARG VERIFY=0', 'ENV NODE_TLS_REJECT_UNAUTHORIZED=${VERIFY}', 'USER root', 'USER 1000',
      'SHELL ["pwsh", "-c"]', '# dockerfile-seguro ignore=pin-apt,plain-http',
      `RUN curl -fsSLk "$URL" -o /tmp/${tag}.tgz && tar xzf /tmp/${tag}.tgz`,
      `RUN wget -q http://example.com/${tag}.sh -O- | sh`,
      `RUN curl -fsSL https://example.com/${tag}.tgz -o a.tgz && echo "abc  a.tgz" | sha256sum -c - && tar xzf a.tgz`,
      `RUN sudo apt-get update && apt-get install -y curl ${tag} && apt-get upgrade -y`,
      `RUN apk add --no-cache --allow-untrusted ${tag} && pip install --trusted-host pypi.org ${tag}`,
      `RUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm install -g ${tag} && echo "strict-ssl=false" >> ~/.npmrc`,
      `RUN PYTHONHTTPSVERIFY=$VERIFY python3 -m pip install ${tag}==1.0 && useradd -m app${tag}`,
      `RUN sh -c 'apt-get install -y ${tag}' && rm -rf /var/lib/apt/lists/*`,
      `RUN chmod 777 /srv/${tag} && go install example.com/${tag}@latest && gem install ${tag}`,
    ];
    const doc = fc.array(fc.constantFrom(...lines), { minLength: 1, maxLength: 12 }).map((ls) => ls.join('\n') + '\n');
    fc.assert(fc.property(fc.array(doc, { minLength: 2, maxLength: 5 }), (versions) => {
      const warm = versions.map((text) => summary(lint(text, OPTIONS)));
      versions.forEach((text, i) => {
        clearCaches();
        assert.equal(summary(lint(text, OPTIONS)), warm[i]);
      });
    }), { numRuns: 80 });
  });
});

describe('ignore comments', () => {
  // The engine finds what each comment silences with one sweep over findings and comments sorted by line;
  // this is the direct reading: every finding against every comment.
  it('silence the findings and report the entries a direct reading gives (generated files)', () => {
    const lines = [
      'FROM debian:12', 'FROM alpine:3.20 AS b', 'RUN apt-get install -y curl', 'RUN curl -k http://example.com/a | sh',
      'RUN apk add git \\', '    && chmod 777 /app', 'USER root', 'COPY . /app',
      '# dockerfile-seguro ignore=pin-apt', '# dockerfile-seguro ignore=plain-http,pipe-to-shell', '# dockerfile-seguro ignore-stage=pin-apk',
      '# dockerfile-seguro ignore-file=tls-verification-disabled', '# dockerfile-seguro ignore=unused-ignore,no-such-rule',
      '# dockerfile-seguro ignore=world-writable', '# dockerfile-seguro ignore-stage=user-root,pin-apt', '# hadolint ignore=DL3008',
      '# dockerfile-seguro ignore=',
    ];
    const doc = fc.array(fc.constantFrom(...lines), { minLength: 1, maxLength: 16 }).map((ls) => ls.join('\n') + '\n');
    fc.assert(fc.property(doc, (text) => {
      // The same lines with the comments made plain (same length): the findings before any silencing.
      const plain = text.replace(/dockerfile-seguro ignore/g, 'dockerfile-segurX ignore').replace(/hadolint ignore/g, 'hadolinX ignore');
      const directives = parseIgnoreDirectives(new DockerfileModel(text));
      const used = new Set<IgnoreEntry>();
      const silenced = (ruleId: string, line: number) => {
        let hit = false;
        for (const d of directives) {
          if (line < d.fromLine || line > d.toLine) continue;
          for (const e of d.entries) if (e.ruleIds.includes(ruleId)) { used.add(e); hit = true; }
        }
        return hit;
      };
      const kept = lint(plain, OPTIONS).filter((f) => !silenced(f.ruleId, f.range.start.line));
      const findings = lint(text, OPTIONS);
      assert.equal(summary(findings.filter((f) => f.ruleId !== 'unused-ignore')), summary(kept));
      // Entries of our comments that silenced nothing, less those that an ignore comment silences in turn.
      const unused = directives.filter((d) => d.source === 'dockerfile-seguro')
        .flatMap((d) => (d.entries.length ? d.entries.filter((e) => e.text !== 'unused-ignore' && !used.has(e)).map((e) => e.range) : [d.range]))
        .filter((range) => !silenced('unused-ignore', range.start.line));
      assert.deepEqual(findings.filter((f) => f.ruleId === 'unused-ignore').map((f) => f.range), unused);
    }), { numRuns: 150 });
  });
});

// The RUN source as the model built it before it used string slices: character by character, on a plain
// dockerfile-ast parse. Kept here as the reference the fast construction must match exactly.
function referenceShell(text: string, run: Run, escapeChar: string): { offset: number; source: string } | null {
  if (run.getOpeningBracket?.() && run.getClosingBracket?.() && run.getJSONStrings().length) return null;
  const index = new LineIndex(text);
  const at = (p: { line: number; character: number }) => index.offsetAt(p);
  const start = at(run.getInstructionRange().end);
  const end = at(run.getRange().end);
  if (end <= start) return null;
  const chars = text.slice(start, end).split('');
  const blank = (from: number, to: number) => {
    for (let i = Math.max(from, start); i < Math.min(to, end); i++) if (chars[i - start] !== '\n') chars[i - start] = ' ';
  };
  for (const flag of run.getFlags()) blank(at(flag.getRange().start), at(flag.getRange().end));
  let heredocs: ReturnType<Run['getHeredocs']>;
  try {
    heredocs = run.getHeredocs();
  } catch {
    heredocs = []; // dockerfile-ast throws on some continuations; the model reads such a RUN as having none
  }
  const bodies = heredocs.map((h) => h.getContentRange()).filter((r) => r !== null).map((r) => [at(r!.start), at(r!.end)] as const);
  const inBody = (offset: number) => bodies.some(([s, e]) => offset >= s && offset < e);
  let i = 0;
  const n = chars.length;
  while (i < n) {
    const c = chars[i];
    if (c === '\r' && !inBody(start + i)) { chars[i] = ' '; i++; continue; }
    if (c !== escapeChar || inBody(start + i)) { i++; continue; }
    if (escapeChar === '\\' && chars[i + 1] === '\\') { i += 2; continue; }
    let j = i + 1;
    while (j < n && (chars[j] === ' ' || chars[j] === '\t')) j++;
    if (j < n && chars[j] === '\r') j++;
    if (j >= n || chars[j] !== '\n') { i++; continue; }
    j++;
    for (;;) {
      let k = j;
      while (k < n && (chars[k] === ' ' || chars[k] === '\t')) k++;
      if (k < n && chars[k] === '#') {
        while (k < n && chars[k] !== '\n') k++;
        if (k < n) { j = k + 1; continue; }
        j = k;
        break;
      }
      if (k < n && (chars[k] === '\n' || chars[k] === '\r')) {
        if (chars[k] === '\r') k++;
        if (k < n && chars[k] === '\n') { j = k + 1; continue; }
      }
      break;
    }
    for (let w = i; w < j; w++) chars[w] = ' ';
    i = j;
  }
  const args = run.getArguments();
  if (heredocs.length && args.length && args[0].getValue().startsWith('<<')) {
    for (const h of heredocs) {
      blank(at(h.getStartRange().start), at(h.getStartRange().end));
      const delimiter = h.getDelimiterRange();
      if (delimiter) blank(at(delimiter.start), at(delimiter.end));
    }
  }
  return { offset: start, source: chars.join('') };
}

/** Every RUN of `text` (on POSIX images) built by the model and by the reference. */
function compareShells(text: string): void {
  const model = new DockerfileModel(text);
  const plain = DockerfileParser.parse(text);
  const plainRuns = plain.getInstructions().filter((i) => i.getKeyword() === 'RUN');
  const runs = model.instructions.filter((i) => i.getKeyword() === 'RUN');
  assert.equal(runs.length, plainRuns.length);
  runs.forEach((run, k) => {
    const shell = model.shellOf(run);
    const expected = referenceShell(text, plainRuns[k] as Run, plain.getEscapeCharacter());
    assert.deepEqual(shell && { offset: shell.offset, source: shell.source }, expected, JSON.stringify(text));
  });
}

describe('RUN sources built from slices', () => {
  it('equal the character-by-character construction on every corpus file', { skip: noCorpus }, () => {
    for (const { text } of corpus) if (!/windows|servercore|nanoserver|^\s*SHELL/im.test(text)) compareShells(text);
  });

  it('equal it on generated RUNs: continuations, comment and empty lines, CRLF, flags, heredocs, both escapes', () => {
    const words = ['apt-get', 'install', '-y', 'curl', '&&', ';', '|', '"a b"', "'c d'", '$V', '${X:-y}', '#x', '\\\\', '\\', '`',
      '--mount=type=cache,target=/v', '--network=none', '<<EOF', '<<-EOT', '\\t'];
    const gaps = [' ', '\t', ' \\\n', ' \\\r\n', '\\\n', ' \\ \n', ' \\\n# note\n', ' \\\n\n  ', ' \\\n  # a\r\n\n', ' `\n', '\n', '\r\n', '\nEOF\n', '\nEOT\n'];
    const run = fc.array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(...gaps)), { minLength: 1, maxLength: 12 })
      .map((parts) => 'RUN ' + parts.map(([w, g]) => w + g).join(''));
    fc.assert(fc.property(fc.boolean(), fc.boolean(), run, (backtick, crlf, body) => {
      let text = `${backtick ? '# escape=`\n' : ''}FROM debian:12\n${body}\nRUN echo end\n`;
      if (crlf) text = text.replace(/\r?\n/g, '\r\n');
      compareShells(text);
    }), { numRuns: 400 });
  });
});

type Internals = Dockerfile & {
  initialInstructions: { getComments(): Array<{ getRange(): unknown }> };
  buildStages: Array<{ getComments(): Array<{ getRange(): unknown }> }>;
};

function commentsByImage(ast: Dockerfile): unknown {
  const a = ast as Internals;
  return [a.initialInstructions, ...a.buildStages].map((t) => t.getComments().map((c) => c.getRange()));
}

function argumentsOf(instructions: Instruction[]): unknown {
  return instructions.map((i) => [i.getKeyword(), i.getArguments().map((a) => [a.getValue(), a.getRange()])]);
}

const ARGS_AND_ENVS = fc.array(fc.constantFrom(
  'ARG A', 'ARG A=1', 'ARG B=$A', 'ENV A=2', 'ENV A=3 B=4 A=5', 'ENV B 6', 'FROM debian:12', 'FROM debian:12 AS s', 'FROM s',
  'FROM $A', '# comment', '', '  ', 'RUN echo $A', 'ARG', 'ENV', 'LABEL a=$B', '  FROM x', 'RUN a \\', '  b',
), { minLength: 0, maxLength: 16 }).map((lines) => lines.join('\n'));

describe('shortcuts around dockerfile-ast', () => {
  it('read property values as dockerfile-ast does (generated keys and values, both escape characters)', () => {
    assert.notEqual(originalPropertyValue, propertyValue, 'the model replaced dockerfile-ast\'s Property.getValue');
    const unit = fc.constantFrom(' ', '\t', '\\', '`', '#', '\n', '\r', '"', "'", 'a', '=', '$');
    fc.assert(fc.property(fc.string({ unit, maxLength: 32 }), fc.constantFrom('\\', '`'), (value, escape) => {
      assert.equal(propertyValue(value, escape), originalPropertyValue(value, escape), JSON.stringify([value, escape]));
    }), { numRuns: 5000 });
  });

  it('read every property of the corpus as dockerfile-ast does', { skip: noCorpus }, () => {
    let compared = 0;
    for (const { text } of corpus) {
      const escape = new DockerfileModel(text).escapeChar;
      for (const instruction of DockerfileParser.parse(text).getInstructions()) {
        if (!['ENV', 'ARG', 'LABEL'].includes(instruction.getKeyword())) continue;
        const raw = instruction.getArgumentsContent() ?? '';
        assert.equal(propertyValue(raw, escape), originalPropertyValue(raw, escape));
        compared++;
      }
    }
    assert.ok(compared > 500, `${compared} ENV/ARG/LABEL instructions compared`);
  });

  function compareVariables(text: string, names: string[]): void {
    const model = new DockerfileModel(text);
    const plain = DockerfileParser.parse(text);
    const last = model.index.lineCount;
    for (let line = -1; line <= last + 1; line++) {
      for (const name of names) {
        let expected: string | null | undefined;
        try {
          expected = plain.resolveVariable(name, line);
        } catch {
          expected = undefined; // dockerfile-ast recurses without end on lines outside every stage
        }
        assert.equal(model.resolveVariable(name, line), expected, `${name}@${line} in ${JSON.stringify(text)}`);
      }
    }
  }

  it('resolve variables as dockerfile-ast does, at every line (generated files)', () => {
    fc.assert(fc.property(ARGS_AND_ENVS, (text) => compareVariables(text, ['A', 'B', 'C'])), { numRuns: 150 });
  });

  it('resolve variables as dockerfile-ast does (corpus)', { skip: noCorpus }, () => {
    for (const { text } of corpus.filter((_, i) => i % 10 === 0)) {
      const names = [...new Set([...text.matchAll(/^\s*(?:ARG|ENV)\s+([A-Za-z_][A-Za-z0-9_]*)/gim)].map((m) => m[1]))].slice(0, 4);
      compareVariables(text, [...names, 'NOT_DEFINED']);
    }
  });

  it('place comments in the same stages and give the same arguments', { skip: noCorpus }, () => {
    const stacked = corpus.slice(0, 120).map((f) => f.text).join('\n');
    for (const text of [...corpus.map((f) => f.text), stacked]) {
      const model = new DockerfileModel(text);
      const plain = DockerfileParser.parse(text);
      assert.deepEqual(commentsByImage(model.ast), commentsByImage(plain));
      assert.deepEqual(argumentsOf(model.instructions), argumentsOf(plain.getInstructions()));
    }
  });

  it('place comments and give arguments as dockerfile-ast does (generated files)', () => {
    fc.assert(fc.property(ARGS_AND_ENVS, (text) => {
      const model = new DockerfileModel(text);
      const plain = DockerfileParser.parse(text);
      assert.deepEqual(commentsByImage(model.ast), commentsByImage(plain));
      assert.deepEqual(argumentsOf(model.instructions), argumentsOf(plain.getInstructions()));
    }), { numRuns: 200 });
  });

  it('give the heredocs dockerfile-ast gives, in a new array on each call', { skip: noCorpus }, () => {
    const heredocs = (i: Instruction) => {
      try {
        return (i as Run).getHeredocs().map((h) => [h.getName(), h.getStartRange(), h.getContentRange(), h.getDelimiterRange()]);
      } catch {
        return []; // dockerfile-ast throws on some continuations; the model reads such an instruction as having none
      }
    };
    for (const { text } of corpus.filter((f) => f.text.includes('<<'))) {
      const model = new DockerfileModel(text);
      const plain = DockerfileParser.parse(text).getInstructions();
      assert.deepEqual(model.instructions.map(heredocs), plain.map(heredocs));
      for (const i of model.instructions) assert.notEqual((i as Run).getHeredocs(), (i as Run).getHeredocs());
    }
  });

  it('cut a word from a mark on its last line as the regular expressions they replace did', () => {
    const unit = fc.constantFrom('=', '@', 'a', '/', '\n', '\r', '\u2028', '\u2029', ' ');
    fc.assert(fc.property(fc.string({ unit, maxLength: 24 }), (value) => {
      assert.equal(cutLastLineFrom(value, '='), value.replace(/=.*$/, ''), JSON.stringify(value));
      assert.equal(cutLastLineFrom(value, '@'), value.replace(/@.*$/, ''), JSON.stringify(value));
    }), { numRuns: 3000 });
  });

  it('test names and flags as the regular expressions they replace did', () => {
    const name = fc.string({ unit: fc.constantFrom('service', 'account', '-', '_', '.json', '.', 'x', '/', '\n', '\u2028'), maxLength: 10 });
    fc.assert(fc.property(name, (value) => {
      assert.equal(serviceAccountJson(value), /service[-_]?account.*\.json$/.test(value), JSON.stringify(value));
    }), { numRuns: 3000 });
    const url = fc.string({ unit: fc.constantFrom('a', 'B', '1', '+', '.', '-', ':', '/', '?', '#', ' ', '\n', 'x@', '//'), maxLength: 12 });
    fc.assert(fc.property(url, (value) => {
      assert.equal(isAbsoluteUrl(value), /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+[^\s]*$/.test(value), JSON.stringify(value));
    }), { numRuns: 3000 });
    const flag = fc.tuple(fc.constantFrom('--omit=', '--include=', '--production', '--only=', '--prod', '-D', '--dev', ''),
      fc.string({ unit: fc.constantFrom('dev', 'prod', 'uction', 'elopment', '=true', '=false', ',', ' ', 'x', '\n', '\r', '\u2029'), maxLength: 6 }))
      .map(([a, b]) => a + b);
    fc.assert(fc.property(flag, (value) => {
      assert.equal(isProductionFlag(value), /^(--production(=true)?|--prod|--omit=.*\bdev\b.*|--only=prod(uction)?)$/.test(value), JSON.stringify(value));
      assert.equal(isDevelopmentFlag(value), /^(--production=false|--include=.*\bdev\b.*|--only=dev(elopment)?|--dev|-D)$/.test(value), JSON.stringify(value));
    }), { numRuns: 3000 });
  });

  it('match as the quadratic regular expressions they replace did (found by a ReDoS checker)', () => {
    const text = (units: string[], maxLength = 14) => fc.string({ unit: fc.constantFrom(...units), maxLength });
    const same = (actual: unknown, expected: unknown, value: string) => assert.deepEqual(actual, expected, JSON.stringify(value));
    // Settings matched whole: a value with a line terminator is ruled out first.
    const settings = [/^http\.(.+\.)?sslverify=(.*)$/i, /^--setopt=(.+\.)?sslverify=(.*)$/i, /^(.+\.)?sslverify=(.*)$/i,
      /^Acquire::https::(.+::)?Verify-(Peer|Host)=(.*)$/i, /^(?:.+\.)?gpgcheck=(.*)$/i];
    fc.assert(fc.property(text(['http.', '--setopt=', 'Acquire::https::', '::', 'Verify-Peer', '.', 'sslverify=', 'gpgcheck=', 'false', 'x', '\n', '\r', '\u2028']), (value) => {
      for (const pattern of settings) same(wholeLine(pattern, value), pattern.exec(value), value);
    }), { numRuns: 3000 });
    // apt options, sed scripts, camel-case names, registry entries.
    fc.assert(fc.property(text(['Assume-Yes', 'Install-Recommends', ' ', '\t', '\n', '=', '"', "'", 'true', 'false', '0', '1', 'x']), (value) => {
      same(APT_ASSUME_YES.exec(value), /Assume-Yes\s*(?:=\s*|\s+)["']?(?:true|1|yes|on)\b/i.exec(value), value);
      same(RECOMMENDS_OFF.exec(value), /Install-Recommends\s*(?:=\s*|\s+)["']?(?:false|0|no|off)\b/i.exec(value), value);
    }), { numRuns: 3000 });
    fc.assert(fc.property(text([' ', '\t', '\n', '1', '$', '/', '/x/', 's', '|', 'a', 'i', 'c', '\\', 'x']), (value) => {
      same(SED_SUBSTITUTE.exec(value), /^\s*(?:[0-9$]+|\/[^/]*\/)?\s*s(.)/.exec(value), value);
      same(SED_TEXT.exec(value), /^\s*(?:[0-9$]+|\/[^/]*\/)?\s*[aic]\\?\s*/.exec(value), value);
    }), { numRuns: 3000 });
    const oldNameTokens = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .split(/[_.\-]+/).filter(Boolean).map((t) => t.toLowerCase());
    fc.assert(fc.property(text(['A', 'B', 'a', 'b', '0', '_', '-', '.', 'AB', 'Ab', 'aB']), (value) => {
      same(nameTokens(value), oldNameTokens(value), value);
      same(value.replace(/(?<!\/)\/+$/, ''), value.replace(/\/+$/, ''), value.replace(/[AaBb]/g, '/')); // registry entries
    }), { numRuns: 3000 });
  });

  it('find credentials in URLs as the quadratic scan it replaces did', () => {
    // credentialsIn as it was: the authority scanned from every `://`, tokens checked against every span.
    const QUERY = /[?&](token|access_token|private_token|auth_token|api_key|apikey|api-key|client_secret|password)=([^&#\s"'`]+)/gi;
    const TOKENS = /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,})/g;
    const isLiteral = (secret: string) => !secret.includes('$') && !secret.includes('`') && !/^<[^>]*>$/.test(secret)
      && !/^(\*+|x+|\.+)$/i.test(secret) && secret.length > 0;
    const before = (text: string) => {
      const hits: Array<{ start: number; end: number; kind: string }> = [];
      if (!text.includes('://')) return hits;
      for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
        let s = at;
        while (s > 0 && at - s < 32 && /[A-Za-z0-9+.-]/.test(text[s - 1])) s--;
        while (s < at && !/[A-Za-z]/.test(text[s])) s++;
        if (s === at) continue;
        let e = at + 3;
        while (e < text.length && !/[\s/?#"'`]/.test(text[e])) e++;
        const authority = text.slice(at + 3, e);
        const sign = authority.indexOf('@');
        if (sign < 0) continue;
        const userinfo = authority.slice(0, sign);
        const colon = userinfo.indexOf(':');
        if (colon <= 0 || !isLiteral(userinfo.slice(colon + 1))) continue;
        hits.push({ start: at + 3, end: at + 3 + userinfo.length, kind: 'userinfo' });
      }
      for (const m of text.matchAll(QUERY)) {
        if (!isLiteral(m[2])) continue;
        hits.push({ start: m.index! + 1, end: m.index! + 1 + m[1].length + 1 + m[2].length, kind: 'query' });
      }
      for (const m of text.matchAll(TOKENS)) {
        if (hits.some((h) => m.index! >= h.start && m.index! < h.end)) continue;
        hits.push({ start: m.index!, end: m.index! + m[0].length, kind: 'token' });
      }
      return hits;
    };
    const unit = fc.constantFrom('https', '://', 'u', ':', 'p@', '@', 'h', '/', '?', '#', ' ', '?token=', '&password=', 'x',
      `ghp_${'a'.repeat(30)}`, `glpat-${'b'.repeat(20)}`, '$', '"');
    fc.assert(fc.property(fc.string({ unit, maxLength: 16 }), (text) => {
      assert.deepEqual(credentialsIn(text), before(text), JSON.stringify(text));
    }), { numRuns: 4000 });
  });

  it('read only what a caller needs of a text between commands', () => {
    const unit = fc.constantFrom('a', ' ', '\n', '|', '|&', '&&', ';', '>', '2>', '&>', '<(', '$(', ')', '`', '"', "'", '#', '=', '\\');
    fc.assert(fc.property(fc.string({ unit, maxLength: 12 }), fc.nat(50), (text, base) => {
      assert.deepEqual(firstToken(text, base), lex(text, base)[0], JSON.stringify(text));
      assert.equal(stripEdgeQuotes(text), text.replace(/^["']|["']$/g, ''), JSON.stringify(text));
    }), { numRuns: 3000 });
  });

  it('expand variables as the quadratic expression it replaces did', () => {
    const values: Record<string, string | null> = { A: '1', B: '', C: null };
    const lookup = (name: string) => (name in values ? values[name] : undefined);
    const before = (value: string) => {
      let unresolved = false;
      const expanded = value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
        (_m, braced: string | undefined, op: string | undefined, word: string | undefined, plain: string | undefined) => {
          const v = lookup(braced ?? plain!);
          const has = v !== undefined && v !== null && v !== '';
          if (op === '-') return has ? v! : word ?? '';
          if (op === '+') return has ? word ?? '' : '';
          if (!has) unresolved = true;
          return v ?? '';
        });
      return unresolved ? null : expanded;
    };
    const unit = fc.constantFrom('$', '{', '}', 'A', 'B', 'C', 'D', ':', '-', '+', 'x', ' ', '${A', '${B:-', '$C', '}');
    fc.assert(fc.property(fc.string({ unit, maxLength: 16 }), (value) => {
      assert.equal(substituteVariables(value, lookup), before(value), JSON.stringify(value));
    }), { numRuns: 4000 });
  });

  /** `work()` with dockerfile-ast's own heredoc-name methods put back for its duration. */
  function withOriginalHeredocNames<T>(work: () => T): T {
    const proto = (DockerfileParser.parse('FROM a').getInstructions()[0].constructor as { prototype: object }).prototype;
    const base = Object.getPrototypeOf(proto) as Record<string, unknown>; // Instruction.prototype, under From's
    const { getNameRange, getName } = base;
    base.getNameRange = originalHeredocNames.getNameRange;
    base.getName = originalHeredocNames.getName;
    try {
      return work();
    } finally {
      base.getNameRange = getNameRange;
      base.getName = getName;
    }
  }

  const heredocsOf = (i: Instruction) => {
    try {
      return (i as Run).getHeredocs().map((h) => [h.getName(), h.getStartRange(), h.getNameRange(), h.getContentRange(), h.getDelimiterRange()]);
    } catch (error) {
      return String(error);
    }
  };

  it('read heredoc names as dockerfile-ast does (generated RUNs, both escape characters)', () => {
    assert.ok(originalHeredocNames.getNameRange && originalHeredocNames.getName, 'the model replaced dockerfile-ast\'s heredoc-name methods');
    const unit = fc.constantFrom('<<', '<', '-', '"', "'", '\\', '`', '#', ' ', '\t', '\n', '\r\n', '\r', 'E', 'O', 'F', 'EOF');
    const body = fc.string({ unit, maxLength: 24 });
    fc.assert(fc.property(fc.boolean(), body, body, (backtick, args, rest) => {
      const text = `${backtick ? '# escape=`\n' : ''}FROM a\nRUN cat ${args}\nEOF\n${rest}\nRUN x <<E\nE\n`;
      type Named = { getNameRange(r: unknown): unknown; getName(r: unknown): string };
      for (const [index, instruction] of DockerfileParser.parse(text).getInstructions().entries()) {
        const named = instruction as unknown as Named;
        for (const argument of instruction.getArguments()) {
          const range = argument.getRange();
          const expected = originalHeredocNames.getNameRange!.call(named, range);
          assert.deepEqual(named.getNameRange(range), expected, JSON.stringify([text, index, range]));
          assert.equal(named.getName(expected), originalHeredocNames.getName!.call(named, expected), JSON.stringify([text, index]));
        }
      }
      const theirs = withOriginalHeredocNames(() => DockerfileParser.parse(text).getInstructions().map(heredocsOf));
      assert.deepEqual(new DockerfileModel(text).instructions.map(heredocsOf), theirs.map((h) => (typeof h === 'string' ? [] : h)), JSON.stringify(text));
    }), { numRuns: 3000 });
  });

  it('read the corpus\'s heredoc names as dockerfile-ast does', { skip: noCorpus }, () => {
    let heredocs = 0;
    for (const { text } of corpus.filter((f) => f.text.includes('<<'))) {
      const theirs = withOriginalHeredocNames(() => DockerfileParser.parse(text).getInstructions().map(heredocsOf));
      const ours = new DockerfileModel(text).instructions.map(heredocsOf);
      assert.deepEqual(ours, theirs.map((h) => (typeof h === 'string' ? [] : h)));
      heredocs += ours.flat().length;
    }
    assert.ok(heredocs >= 5, `${heredocs} heredocs compared`);
  });

  it('hand out fresh FROM ranges, which dockerfile-ast mutates', () => {
    const images = ['registry.example.com:5000/team/app:1.2@sha256:abc AS base', 'localhost/x:1', 'alpine@sha256:0', 'a/b/c:d', 'busybox'];
    const text = images.map((i) => `FROM ${i}\n`).join('');
    const look = (f: From) => [f.getImageNameRange(), f.getRegistryRange(), f.getImageRange(), f.getImageName(), f.getRegistry(),
      f.getImageTag(), f.getImageDigest(), f.getImageNameRange(), f.getImageRange()];
    const ours = new DockerfileModel(text).instructions.map((i) => look(i as From));
    const theirs = DockerfileParser.parse(text).getInstructions().map((i) => look(i as From));
    assert.deepEqual(ours, theirs);
  });

  it('leave dockerfile-ast as it was for documents the model did not parse', () => {
    const text = 'FROM alpine:3.20\nRUN echo a\n';
    const plain = DockerfileParser.parse(text);
    const run = plain.getInstructions()[1];
    assert.notEqual(run.getArguments()[0], run.getArguments()[0], 'new Argument objects on each call, as dockerfile-ast makes them');
  });
});

describe('memoByObject', () => {
  it('computes once per key object and memoizes null and undefined results too', () => {
    const calls: string[] = [];
    const results: Record<string, unknown> = { a: null, b: undefined, c: 0, d: { x: 1 } };
    const read = memoByObject((key: { id: string }) => { calls.push(key.id); return results[key.id]; });
    const keys = Object.keys(results).map((id) => ({ id }));
    for (let round = 0; round < 3; round++) {
      for (const key of keys) assert.equal(read(key), results[key.id]);
    }
    assert.deepEqual(calls, ['a', 'b', 'c', 'd']);
    assert.equal(read({ id: 'a' }), null);
    assert.deepEqual(calls, ['a', 'b', 'c', 'd', 'a'], 'an equal but different object is another key');
  });

  it('keeps separate results for separate memoized functions on the same key', () => {
    const first = memoByObject((key: { n: number }) => key.n + 1);
    const second = memoByObject((key: { n: number }) => key.n * 10);
    const key = { n: 4 };
    assert.equal(second(key), 40);
    assert.equal(first(key), 5);
    assert.equal(second(key), 40);
  });

  it('is invisible on the key: spreads, comparisons and JSON do not see it', () => {
    const read = memoByObject((key: { n: number }) => ({ doubled: key.n * 2 }));
    const key = { n: 2 };
    read(key);
    assert.deepStrictEqual({ ...key }, { n: 2 });
    assert.deepStrictEqual(key, { n: 2 });
    assert.equal(JSON.stringify(key), '{"n":2}');
    const copy = { ...key };
    copy.n = 3;
    assert.deepEqual(read(copy), { doubled: 6 }, 'a spread copy carries no result of the original');
  });

  it('works on frozen keys', () => {
    let calls = 0;
    const read = memoByObject((key: { n: number }) => { calls++; return key.n; });
    const key = Object.freeze({ n: 7 });
    assert.equal(read(key), 7);
    assert.equal(read(key), 7);
    assert.equal(calls, 1);
  });
});

describe('the parse budget\'s clock', () => {
  const linux = threadCpuMs() !== null ? false : 'no per-thread CPU clock here (not Linux)';

  it('counts this thread\'s work and not another thread\'s', { skip: linux }, async () => {
    // Busy until the process has used 150 ms of CPU (not of wall time: on a loaded machine a thread gets less).
    const processMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const spinCpu = (ms: number) => { const end = processMs() + ms; let x = 0; while (processMs() < end) x++; return x; };
    const before = threadCpuMs()!;
    spinCpu(150);
    const own = threadCpuMs()! - before;
    assert.ok(own >= 100, `150 ms of CPU used by this thread, its clock advanced ${own} ms`);
    // A worker (as V8's compiler threads are) busy for 300 ms of CPU while this thread only waits for its message.
    const processBefore = processMs();
    const threadBefore = threadCpuMs()!;
    const worker = new Worker(`const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
      const end = cpu() + 300; let x = 0; while (cpu() < end) x++; require('worker_threads').parentPort.postMessage(x);`, { eval: true });
    await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    await worker.terminate();
    const threadUsed = threadCpuMs()! - threadBefore;
    const processUsed = processMs() - processBefore;
    assert.ok(processUsed - threadUsed >= 200, `the process clock saw the worker (${processUsed} ms), this thread's did not (${threadUsed} ms)`);
  });
});
