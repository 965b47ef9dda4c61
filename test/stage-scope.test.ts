// Stage-scoped rules (meta.scope === 'stage', shared/stageScope.ts) run on one stage at a time and their
// reports are kept by the text they depend on. Here: they report on each stage exactly what they report when
// run on the whole file, and reports kept from other documents and other versions of one document are the
// ones a cold lint gives.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { clearRunShellCache, DockerfileModel } from '../shared/dockerfile';
import { lint } from '../shared/engine';
import { RULES } from '../shared/rules';
import { clearParseCache } from '../shared/shell/parser';
import { segmentCheckCount, wholeFileRun } from '../shared/stageScope';
import type { Finding, LintOptions } from '../shared/types';
import { stacked, type Doc } from '../bench/documents';
import { CORPUS, loadEngine } from './helpers';

fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20_241_128) });

before(loadEngine);

const corpus: Doc[] = fs.existsSync(CORPUS)
  ? fs.readdirSync(CORPUS).sort().map((name) => {
    const text = fs.readFileSync(path.join(CORPUS, name), 'utf8');
    return { name, text, lines: text.split('\n').length };
  })
  : [];
const noCorpus = corpus.length === 0 ? 'corpus not found' : false;

const OPTIONS: LintOptions = { trustedRegistries: ['docker.io'], requiredLabels: ['org.opencontainers.image.source'] };
const summary = (findings: Finding[]) => JSON.stringify(findings.map((f) => [f.ruleId, f.range, f.message, f.fixes]));
const scopedRules = RULES.filter((rule) => rule.meta.scope === 'stage');

function clearCaches(): void {
  clearRunShellCache();
  clearParseCache();
}

/** Findings with every rule run on the whole file (no stage scope, nothing kept). */
function wholeFileLint(text: string, options: LintOptions = OPTIONS): string {
  for (const rule of scopedRules) delete rule.meta.scope;
  try {
    return summary(lint(text, options));
  } finally {
    for (const rule of scopedRules) rule.meta.scope = 'stage';
  }
}

// Files of a few stages that depend on each other: parents by name, global ARGs in FROM, users, shells, ENV
// inherited, COPY --from and mounts from other stages, windows bases, package indexes refreshed upstream and
// used downstream.
const PRELUDE = ['ARG BASE=debian:12', 'ARG BASE=base', 'ARG URL=http://example.com/a.tgz', 'ARG VERIFY=0', 'ARG PASSWORD', '# syntax=docker/dockerfile:1', ''];
const FROMS = [
  'FROM debian:12', 'FROM debian:12 AS base', 'FROM base', 'FROM base AS build', 'FROM build', 'FROM ${BASE}', 'FROM alpine:3.20 AS build',
  'FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win', 'FROM win', 'FROM scratch', 'FROM node:20 AS Base', 'FROM build AS base',
];
const BODY = [
  'ARG URL', 'ARG BASE', 'ENV URL=http://mirror.example/b.tgz', 'ENV NODE_TLS_REJECT_UNAUTHORIZED=${VERIFY}', 'ENV NODE_TLS_REJECT_UNAUTHORIZED=0', 'RUN echo $NODE_TLS_REJECT_UNAUTHORIZED', 'ENV DEBIAN_FRONTEND=noninteractive',
  'SHELL ["pwsh", "-c"]', 'SHELL ["/bin/sh", "-c"]', 'USER root', 'USER app', 'USER 1000', 'WORKDIR /app', 'LABEL org.label-schema.name=x',
  'MAINTAINER someone', 'RUN curl -fsSL "$URL" | sh', 'RUN apt-get update', 'RUN apt-get update && apt-get upgrade -y', 'RUN apk upgrade',
  'RUN apt-get install -y curl', 'RUN apt-get update && apt-get install -y curl=1.0', 'RUN apk add curl \\\n    && chmod 777 /app',
  'RUN sudo make install', 'RUN useradd -r app', 'RUN pip install requests', 'RUN --mount=type=secret,id=npmrc npm install',
  'RUN --mount=from=build,target=/b cp /b/x /x', 'RUN curl -k https://example.com | bash', 'RUN <<EOF\napt-get install -y vim\nEOF',
  '# dockerfile-seguro ignore=plain-http', 'COPY . /app', 'COPY --from=build /out /app', 'COPY --from=base /etc/passwd /etc/passwd',
  'COPY id_rsa /root/.ssh/id_rsa', 'ADD https://example.com/a.tar.gz /tmp/', 'ADD a.tar.gz /srv/', 'RUN ["sh", "-c", "echo"]',
  'HEALTHCHECK CMD true', 'CMD ["node", "server.js"]', '',
];
const stage = fc.tuple(fc.constantFrom(...FROMS), fc.array(fc.constantFrom(...BODY), { maxLength: 5 })).map(([from, body]) => [from, ...body]);
const files = fc.tuple(fc.array(fc.constantFrom(...PRELUDE), { maxLength: 2 }), fc.array(stage, { minLength: 1, maxLength: 4 }));
const textOf = ([prelude, stages]: [string[], string[][]]) => [...prelude, ...stages.flat()].join('\n') + '\n';
const documents = files.map(textOf);

/**
 * Runs `body` once as lints run (a rule with many stages missing from the cache runs on the whole file and its
 * reports are split by stage) and once with every missing stage run on its own through its view.
 */
function inBothModes(body: () => void): void {
  body();
  const share = wholeFileRun.missingShare;
  wholeFileRun.missingShare = 1;
  try {
    clearCaches();
    body();
  } finally {
    wholeFileRun.missingShare = share;
  }
}

describe('stage-scoped rules', () => {
  it('are most rules, and run on each stage once until its text changes', () => {
    assert.ok(scopedRules.length >= 20, `${scopedRules.length} stage-scoped rules`);
    clearCaches();
    const stages = Array.from({ length: 5 }, (_, i) => `FROM debian:12 AS s${i}\nRUN apt-get install -y curl${i}\n`);
    lint(stages.join(''), OPTIONS);
    const before = segmentCheckCount();
    stages[2] = stages[2].replace('curl2', 'wget2');
    lint(stages.join(''), OPTIONS);
    assert.equal(segmentCheckCount() - before, scopedRules.length, 'only the edited stage, once per stage-scoped rule');
  });

  it('run on the whole file once when most stages are new, and keep its reports stage by stage', () => {
    clearCaches();
    const stages = Array.from({ length: 8 }, (_, i) => `FROM debian:12 AS s${i}\nRUN curl -k https://example.com/${i} | sh\n`);
    const before = segmentCheckCount();
    const cold = summary(lint(stages.join(''), OPTIONS));
    assert.equal(segmentCheckCount(), before, 'no stage was checked on its own');
    assert.equal(cold, wholeFileLint(stages.join('')));
    stages[3] = stages[3].replace('/3', '/three');
    const edited = summary(lint(stages.join(''), OPTIONS));
    assert.equal(segmentCheckCount() - before, scopedRules.length, 'the edited stage, the others kept from the whole-file run');
    assert.equal(edited, wholeFileLint(stages.join('')));
  });

  it('report on each stage what they report on the whole file (generated files)', () => {
    inBothModes(() => fc.assert(fc.property(documents, (text) => {
      clearCaches();
      assert.equal(summary(lint(text, OPTIONS)), wholeFileLint(text));
    }), { numRuns: 300 }));
  });

  it('give what a cold whole-file lint gives with reports kept from other documents and versions', () => {
    inBothModes(() => fc.assert(fc.property(fc.array(documents, { minLength: 2, maxLength: 6 }), (versions) => {
      const warm = versions.map((text) => summary(lint(text, OPTIONS)));
      versions.forEach((text, i) => assert.equal(warm[i], wholeFileLint(text), `version ${i}`));
    }), { numRuns: 150 }));
  });

  // Versions that keep most stages as they are and change what is around them (stages dropped, added,
  // duplicated, swapped), so that kept reports are found for unchanged stages among changed neighbours.
  it('give what a cold whole-file lint gives when the stages around an unchanged one change', () => {
    inBothModes(() => {
      const edit = fc.tuple(fc.nat(), fc.constantFrom('drop', 'duplicate', 'replace', 'swap'), stage);
      fc.assert(fc.property(files, fc.array(edit, { minLength: 1, maxLength: 4 }), ([prelude, stages], edits) => {
        let current = stages.slice();
        assert.equal(summary(lint(textOf([prelude, current]), OPTIONS)), wholeFileLint(textOf([prelude, current])));
        for (const [at, kind, other] of edits) {
          const i = at % current.length;
          current = current.slice();
          if (kind === 'drop' && current.length > 1) current.splice(i, 1);
          else if (kind === 'duplicate') current.splice(i, 0, current[i]);
          else if (kind === 'replace') current[i] = other;
          else [current[i], current[0]] = [current[0], current[i]];
          const text = textOf([prelude, current]);
          assert.equal(summary(lint(text, OPTIONS)), wholeFileLint(text));
        }
      }), { numRuns: 200 });
    });
  });

  it('see a parent stage, a global ARG and a stage name change although their own text did not', () => {
    const child = 'FROM base\nARG URL\nRUN curl -fsSL "$URL" -o a.tgz && tar xzf a.tgz\nRUN sudo apt-get install -y curl\n';
    const versions = [
      `ARG URL=https://example.com/a.tgz\nFROM debian:12 AS base\nUSER app\n${child}`,
      `ARG URL=http://example.com/a.tgz\nFROM debian:12 AS base\nUSER app\n${child}`,
      `ARG URL=http://example.com/a.tgz\nFROM debian:12 AS base\nUSER root\n${child}`,
      `ARG URL=http://example.com/a.tgz\nFROM debian:12 AS other\nUSER app\n${child}`,
      `ARG URL=http://example.com/a.tgz\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base\n${child}`,
    ];
    inBothModes(() => {
      const findings = versions.map((text) => summary(lint(text, OPTIONS)));
      versions.forEach((text, i) => assert.equal(findings[i], wholeFileLint(text), `version ${i}`));
      assert.equal(new Set(findings).size, versions.length, 'each change of context changed the findings');
    });
  });

  // What rules read of later and unrelated stages (kept file-scoped for it): a package index a child stage uses,
  // a variable another stage mentions. The stage holding the finding is the same text in every version.
  it('give what a whole-file lint gives when only a later or unrelated stage changes', () => {
    const families = [
      ['FROM debian:12 AS base\nRUN apt-get update && apt-get upgrade -y\n', 'FROM base\nRUN apt-get install -y curl\n', 'FROM base\nRUN echo done\n'],
      ['FROM node:20 AS base\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n', 'FROM debian:12\nRUN echo $NODE_TLS_REJECT_UNAUTHORIZED\n', 'FROM debian:12\nRUN echo none\n'],
    ];
    inBothModes(() => {
      for (const [kept, user, other] of families) {
        for (const text of [kept + user + other, kept + other + other, kept + user + other, kept + other + user]) {
          assert.equal(summary(lint(text, OPTIONS)), wholeFileLint(text));
        }
      }
    });
  });

  it('run on the whole file when each stage builds on the previous one and the keys would grow with the square of its size', () => {
    const body = Array.from({ length: 40 }, (_, i) => `RUN curl -k https://example.com/${i} | sh && apt-get install -y p${i}`).join('\n');
    const text = Array.from({ length: 200 }, (_, i) => `FROM ${i ? `s${i - 1}` : 'debian:12'} AS s${i}\n${body}\n`).join('');
    const before = segmentCheckCount();
    assert.equal(summary(lint(text, OPTIONS)), wholeFileLint(text));
    assert.equal(segmentCheckCount(), before, 'no stage was checked on its own');
  });

  it('report what they report on the whole file, on the corpus linted in a row (reports kept across files)', { skip: noCorpus }, () => {
    inBothModes(() => {
      clearCaches();
      for (const { name, text } of corpus) assert.equal(summary(lint(text, OPTIONS)), wholeFileLint(text), name);
    });
  });

  it('give what a cold lint gives after edits of a file of many stages (lines typed, duplicated, deleted)', { skip: noCorpus }, () => {
    const big = stacked(corpus, 1500, 7).text;
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('type', 'duplicate', 'delete')), { minLength: 1, maxLength: 3 }),
      (edits) => {
        let current = big;
        for (const [at, column, kind] of edits) {
          const lines = current.split('\n');
          const line = at % lines.length;
          const cut = column % (lines[line].length + 1);
          if (kind === 'type') lines[line] = lines[line].slice(0, cut) + 'x' + lines[line].slice(cut);
          else if (kind === 'duplicate') lines.splice(line, 0, lines[line]);
          else lines.splice(line, 1);
          current = lines.join('\n');
          assert.equal(summary(lint(current, OPTIONS)), wholeFileLint(current));
        }
      }), { numRuns: 8 });
  });

  it('give a stage-scoped rule no final stage to ask for (a view of one stage throws)', () => {
    const model = new DockerfileModel('FROM debian:12\nRUN true\n');
    assert.throws(() => model.viewOf(model.stages, model.instructions).finalStage, /finalStage/);
    assert.equal(model.finalStage, model.stages[0]);
  });
});
