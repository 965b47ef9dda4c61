// Focused tests of the 3.1.6 (multi-stage, stage-reference, npm-dev-deps) and 3.1.7 (labels,
// maintainer-deprecated, label-schema-deprecated, label-values) rules and their knowledge bases
// (shared/toolchains.ts, shared/labels.ts), plus a precision and fix round-trip sweep over the corpus.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { DockerfileModel } from '../../shared/dockerfile';
import { fixAll } from '../../shared/engine';
import {
  DEFAULT_REQUIRED_LABELS, isAbsoluteUrl, isDigest, isGitRevision, isRfc3339, isSpdxExpression, LABEL_SCHEMA_TO_OCI,
  labelValueProblem, OCI_KEYS,
} from '../../shared/labels';
import { parseImageRef } from '../../shared/images';
import { maintainerValue, quoteLabelValue } from '../../shared/rules/maintainer-deprecated';
import { editDistance, likelyTypoOf } from '../../shared/rules/stage-reference';
import type { ShellCommand } from '../../shared/shell/parser';
import { applyEdits } from '../../shared/textDocument';
import { appBuildOf, isArtifactExport, isDevEnvironment, jsInstallOf, toolchainOf } from '../../shared/toolchains';
import type { Finding } from '../../shared/types';
import { CORPUS, findingsOf, lintStrict, loadEngine } from '../helpers';

before(loadEngine);

const RULE_IDS = ['multi-stage', 'stage-reference', 'npm-dev-deps', 'labels', 'maintainer-deprecated', 'label-schema-deprecated', 'label-values'];

/** The first command of a one-line RUN. */
function command(script: string): ShellCommand {
  const model = new DockerfileModel(`FROM alpine\nRUN ${script}\n`);
  const shell = model.shellOf(model.stages[0].instructions[0])!;
  return shell.script.commands[0];
}

const countByRule = (findings: Finding[]) => findings.reduce((m, f) => m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1), new Map<string, number>());

describe('toolchain knowledge (shared/toolchains.ts)', () => {
  it('knows toolchain images from runtimes', () => {
    const toolchains = [
      'golang:1.22', 'golang', 'docker.io/library/golang:1.22-alpine', 'rust:1-slim', 'maven:3.9-eclipse-temurin-21', 'gradle:8-jdk21',
      'gcc:14', 'buildpack-deps:bookworm', 'openjdk:21', 'eclipse-temurin:21-jdk-noble', 'eclipse-temurin:21', 'amazoncorretto:21',
      'mcr.microsoft.com/dotnet/sdk:8.0', 'mcr.microsoft.com/dotnet/core/sdk:3.1',
    ];
    const runtimes = [
      'node:20', 'python:3.12', 'alpine', 'eclipse-temurin:21-jre', 'eclipse-temurin:21-jre-alpine', 'buildpack-deps:bookworm-curl',
      'buildpack-deps:bookworm-scm', 'mcr.microsoft.com/dotnet/aspnet:8.0', 'mcr.microsoft.com/dotnet/runtime-deps:8.0', 'gcr.io/distroless/java21',
      'ibm-semeru-runtimes:open-21-jre', 'registry.example.com/golang:1.22',
    ];
    for (const image of toolchains) assert.ok(toolchainOf(parseImageRef(image)), image);
    for (const image of runtimes) assert.equal(toolchainOf(parseImageRef(image)), null, image);
    assert.equal(toolchainOf(null), null);
  });

  it('recognises commands that build the application', () => {
    const builds: Array<[string, string]> = [
      ['go build -o /app .', 'go build'],
      ['CGO_ENABLED=0 GOOS=linux go build -a -o app .', 'go build'],
      ['go install ./cmd/...', 'go install'],
      ['go install', 'go install'],
      ['cargo build --release', 'cargo build'],
      ['cargo install --path .', 'cargo install --path'],
      ['mvn -B -f pom.xml clean package', 'mvn package'],
      ['./mvnw -q install -DskipTests', 'mvn install'],
      ['gradle build --no-daemon', 'gradle build'],
      ['./gradlew :app:bootJar', 'gradlew :app:bootJar'],
      ['npm run build', 'npm run build'],
      ['npm run build:prod', 'npm run build:prod'],
      ['yarn build', 'yarn build'],
      ['pnpm run compile', 'pnpm compile'],
      ['dotnet publish -a $TARGETARCH -o /app', 'dotnet publish'],
      ['sudo -E dotnet build', 'dotnet build'],
    ];
    for (const [script, label] of builds) assert.equal(appBuildOf(command(script))?.label, label, script);
    const others = [
      'go install golang.org/x/tools/gopls@latest', 'go mod download', 'go test ./...', 'cargo install ripgrep', 'mvn dependency:go-offline',
      'gradle --version', 'npm run start', 'npm ci', 'yarn install', 'make', 'make install', './configure', 'gcc -o x x.c', 'dotnet restore',
      '$GO build', 'yarn test',
    ];
    for (const script of others) assert.equal(appBuildOf(command(script)), null, script);
  });

  it('reads Node.js dependency installs', () => {
    const install = (s: string) => jsInstallOf(command(s));
    assert.equal(install('npm ci')?.mode, 'default');
    assert.equal(install('npm i --no-audit')?.mode, 'default');
    assert.equal(install('npm ci --prefix /app')?.mode, 'default');
    assert.equal(install('npm ci --omit=dev')?.mode, 'production');
    assert.equal(install('npm ci --omit dev')?.mode, 'production');
    assert.equal(install('npm install --only=prod')?.mode, 'production');
    assert.equal(install('npm install --production')?.mode, 'production');
    assert.equal(install('npm install --include=dev')?.mode, 'development');
    assert.equal(install('npm install --production=false')?.mode, 'development');
    assert.equal(install('yarn')?.word.value, 'yarn');
    assert.equal(install('yarn install --frozen-lockfile')?.word.value, 'install');
    assert.equal(install('yarn --production')?.mode, 'production');
    assert.equal(install('yarn install --immutable')?.berry, true);
    assert.equal(install('pnpm i -P')?.mode, 'production');
    assert.equal(install('pnpm install --prod')?.mode, 'production');
    for (const s of ['npm install express', 'npm i -g pm2', 'npm ci --help', 'yarn --version', 'yarn add react', 'pnpm add -D vite', 'npm run build', 'npm $CMD']) {
      assert.equal(install(s), null, s);
    }
  });

  it('tells development environments and export stages', () => {
    const dev = (text: string) => isDevEnvironment(new DockerfileModel(text));
    assert.ok(dev('FROM mcr.microsoft.com/devcontainers/go:1.22\n'));
    assert.ok(dev('FROM mcr.microsoft.com/vscode/devcontainers/base:0-bullseye\n'));
    assert.ok(dev('FROM golang:1.22 AS dev\n'));
    assert.ok(dev('FROM python:3.12 AS base\nFROM base AS test\n'));
    assert.ok(dev('FROM python:3.12\nARG USERNAME=vscode\n'));
    assert.ok(dev('FROM python:3.12\nUSER vscode\n'));
    assert.ok(dev('FROM python:3.12\nCOPY library-scripts/*.sh /tmp/library-scripts/\n'));
    assert.ok(!dev('FROM golang:1.22 AS build\n'));
    assert.ok(!dev('FROM golang:1.22 AS dev\nFROM alpine\n'));
    assert.ok(!dev('FROM python:3.12\nUSER app\n'));
    const exported = (text: string) => isArtifactExport(new DockerfileModel(text));
    assert.ok(exported('FROM golang AS b\nFROM scratch AS out\nCOPY --from=b /out /\n'));
    assert.ok(exported('FROM golang AS b\nFROM scratch AS out\nCOPY --from=b /out /\nUSER 65532:65532\n'));
    assert.ok(!exported('FROM scratch\nCOPY app /\nENTRYPOINT ["/app"]\n'));
    assert.ok(!exported('FROM alpine\nCOPY app /\n'));
  });
});

describe('label knowledge (shared/labels.ts)', () => {
  it('checks RFC 3339 date-times', () => {
    for (const v of ['2024-05-01T12:00:00Z', '2024-05-01t12:00:00z', '2024-05-01T12:00:00.123456+02:00', '2024-02-29T23:59:60-05:30', '2024-05-01 12:00:00Z']) assert.ok(isRfc3339(v), v);
    for (const v of ['2024-05-01', '2024-05-01T12:00:00', '2023-02-29T10:00:00Z', '2024-13-01T00:00:00Z', '2024-05-01T24:00:00Z', '1714560000', 'yesterday', '2024-05-01T12:00Z']) assert.ok(!isRfc3339(v), v);
  });

  it('checks URLs, SPDX expressions, revisions and digests', () => {
    assert.ok(isAbsoluteUrl('https://github.com/example/app'));
    assert.ok(isAbsoluteUrl('git+ssh://git@github.com/example/app.git'));
    assert.ok(!isAbsoluteUrl('github.com/example/app'));
    assert.ok(!isAbsoluteUrl('/docs'));
    assert.ok(!isAbsoluteUrl('https://'));
    assert.ok(!isAbsoluteUrl('git@github.com:example/app.git'));
    assert.ok(isAbsoluteUrl('git@github.com:example/app.git', true));
    for (const v of ['MIT', 'Apache-2.0', 'MIT OR Apache-2.0', '(MIT AND BSD-3-Clause) OR GPL-2.0-or-later', 'GPL-2.0+', 'mit', 'apache-2.0 or mit', 'LicenseRef-Proprietary', 'NOASSERTION', 'NONE']) assert.ok(isSpdxExpression(v), v);
    for (const v of ['Apache License 2.0', 'MIT License', 'GPL', 'BSD', 'proprietary', 'MIT,Apache-2.0', '']) assert.ok(!isSpdxExpression(v), v);
    for (const v of ['0123abc', 'a'.repeat(40), 'A'.repeat(64)]) assert.ok(isGitRevision(v), v);
    for (const v of ['abc12', 'main', 'v1.2.3', 'g0123abcd', 'a'.repeat(65)]) assert.ok(!isGitRevision(v), v);
    assert.ok(isDigest(`sha256:${'0'.repeat(64)}`));
    assert.ok(!isDigest('sha256'));
  });

  it('maps Label Schema onto OCI keys that exist', () => {
    for (const [from, to] of Object.entries(LABEL_SCHEMA_TO_OCI)) {
      assert.ok(from.startsWith('org.label-schema.'), from);
      assert.ok(OCI_KEYS.includes(to), to);
    }
    assert.equal(LABEL_SCHEMA_TO_OCI['org.label-schema.schema-version'], undefined);
    for (const key of DEFAULT_REQUIRED_LABELS) assert.ok(OCI_KEYS.includes(key));
  });

  it('explains value problems in both languages, and only for OCI keys', () => {
    const problem = labelValueProblem('org.opencontainers.image.licenses', 'Apache License 2.0')!;
    assert.match(problem.en, /SPDX/);
    assert.match(problem.es, /SPDX/);
    assert.notEqual(problem.en, problem.es);
    assert.equal(labelValueProblem('com.example.licenses', 'whatever'), null);
    assert.equal(labelValueProblem('org.opencontainers.image.title', 'Anything goes'), null);
    assert.ok(labelValueProblem('org.opencontainers.image.title', '  '));
  });
});

describe('stage-reference', () => {
  it('measures edit distance and picks likely typos only', () => {
    assert.equal(editDistance('build', 'biuld'), 2);
    assert.equal(editDistance('builder', 'build'), 2);
    assert.equal(editDistance('same', 'same'), 0);
    assert.equal(likelyTypoOf('biuld', ['build', 'runtime']), 'build');
    assert.equal(likelyTypoOf('runtme', ['build', 'runtime']), 'runtime');
    assert.equal(likelyTypoOf('bash', ['base']), null, 'a well-known image');
    assert.equal(likelyTypoOf('go', ['js']), null, 'short names need to be closer');
    assert.equal(likelyTypoOf('deps', ['dev']), null);
    assert.equal(likelyTypoOf('dep', ['deps']), 'deps');
    assert.equal(likelyTypoOf('assets', ['build']), null);
  });

  it('resolves --from through ARGs and leaves unknown values alone', () => {
    assert.equal(findingsOf('FROM alpine AS a\nFROM alpine AS b\nARG S=c\nCOPY --from=$S /x /y\nFROM alpine AS c\n', 'stage-reference').length, 1);
    assert.equal(findingsOf('FROM alpine AS a\nFROM alpine AS b\nARG S\nCOPY --from=$S /x /y\n', 'stage-reference').length, 0);
  });

  it('flags a FROM that names its own stage only when a later stage has that name', () => {
    assert.equal(findingsOf('FROM base AS base\n', 'stage-reference').length, 0);
    assert.equal(findingsOf('FROM base AS app\nFROM alpine AS base\n', 'stage-reference').length, 1);
    assert.equal(findingsOf('FROM alpine AS base\nFROM base AS app\n', 'stage-reference').length, 0);
  });

  it('speaks Spanish', () => {
    const [finding] = findingsOf('FROM alpine AS build\nCOPY --from=build /a /b\n', 'stage-reference', { locale: 'es' });
    assert.match(finding.message, /etapa/);
  });
});

describe('multi-stage', () => {
  it('needs an application build, and the toolchain left behind', () => {
    const flagged = (text: string) => findingsOf(text, 'multi-stage').length;
    assert.equal(flagged('FROM golang:1.22\nRUN go build -o /app .\n'), 1);
    assert.equal(flagged('FROM golang:1.22\nRUN go mod download\n'), 0, 'no build');
    assert.equal(flagged('FROM golang:1.22\nRUN go build -o /app . && rm -rf /usr/local/go\n'), 1, 'a toolchain image cannot be cleaned');
    assert.equal(flagged('FROM alpine\nRUN apk add go && go build -o /app . && apk del go\n'), 0);
    assert.equal(flagged('FROM alpine\nRUN apk add go && go build -o /app .\nRUN apk del go\n'), 0, 'removed in a later RUN');
    assert.equal(flagged('FROM node:20\nRUN npm ci && npm run build\nRUN rm -rf node_modules && npm ci --omit=dev\n'), 0);
    assert.equal(flagged('FROM node:20\nRUN yarn install && yarn build && yarn install --production\n'), 0);
    assert.equal(flagged('FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM build\nCOPY --from=golang:1.22 /x /y\n'), 1, 'an image is not a stage');
    assert.equal(flagged('FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine AS cert\nFROM build\nCOPY --from=cert /etc/ssl /etc/ssl\n'), 0);
    assert.equal(flagged('FROM golang:1.22\nRUN ["go", "build", "."]\n'), 0, 'exec form is not read');
    assert.equal(flagged('FROM mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022\nSHELL ["powershell", "-Command"]\nRUN dotnet publish -o C:\\app\n'), 0);
  });

  it('shows the two-stage pattern in its hover docs and speaks Spanish', async () => {
    const { multiStage } = await import('../../shared/rules/multi-stage');
    assert.match(multiStage.meta.docs.en.how, /COPY --from=build/);
    assert.match(multiStage.meta.docs.es.how, /COPY --from=build/);
    const [finding] = findingsOf('FROM golang:1.22\nRUN go build -o /app .\n', 'multi-stage', { locale: 'es' });
    assert.match(finding.message, /imagen final/);
  });
});

describe('npm-dev-deps', () => {
  it('stays out of PowerShell RUNs and ONBUILD', () => {
    assert.equal(findingsOf('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN npm ci\n', 'npm-dev-deps').length, 0);
    assert.equal(findingsOf('FROM node:20\nONBUILD RUN npm install\n', 'npm-dev-deps').length, 0);
  });

  it('reads ARG/ENV of the stages the final one builds on, not of other stages', () => {
    assert.equal(findingsOf('FROM node:20 AS base\nARG NODE_ENV\nFROM base\nRUN npm ci\n', 'npm-dev-deps').length, 0);
    assert.equal(findingsOf('FROM node:20 AS other\nENV NODE_ENV=production\nFROM node:20\nRUN npm ci\n', 'npm-dev-deps').length, 1);
    assert.equal(findingsOf('FROM node:20\nRUN npm ci\nENV NODE_ENV=production\n', 'npm-dev-deps').length, 1, 'set too late');
  });

  it('picks the flag the image npm understands', () => {
    const fixOf = (text: string) => applyEdits(text, findingsOf(text, 'npm-dev-deps')[0].fixes[0].edits);
    assert.match(fixOf('FROM node:12-alpine\nRUN npm ci\n'), /npm ci --only=production/);
    assert.match(fixOf('FROM node:16\nRUN npm ci\n'), /npm ci --omit=dev/);
    assert.match(fixOf('FROM node:lts\nRUN npm ci\n'), /npm ci --omit=dev/);
    assert.match(fixOf('FROM debian:12\nRUN npm ci\n'), /npm ci --omit=dev/);
  });

  it('offers no fix when yarn may be Yarn 2+', () => {
    const [finding] = findingsOf('FROM node:20\nCOPY .yarnrc.yml package.json yarn.lock ./\nRUN yarn install\n', 'npm-dev-deps');
    assert.deepEqual(finding.fixes, []);
    assert.match(finding.message, /Yarn 1/);
  });
});

describe('labels', () => {
  const base = 'FROM alpine:3.20\nCMD ["app"]\n';

  it('uses requiredLabels when configured, and an empty list switches it off', () => {
    const [finding] = findingsOf(base, 'labels', { requiredLabels: ['com.example.team'] });
    assert.match(finding.message, /com\.example\.team/);
    assert.doesNotMatch(finding.message, /opencontainers/);
    assert.deepEqual(findingsOf(base, 'labels', { requiredLabels: [] }), []);
    assert.deepEqual(findingsOf('FROM alpine\nLABEL com.example.team=core\n', 'labels', { requiredLabels: ['com.example.team'] }), []);
  });

  it('offers only a refactor that inserts TODO placeholders, never applied by fix-all', () => {
    const [finding] = findingsOf(base, 'labels');
    assert.deepEqual(finding.fixes.map((f) => f.kind), ['refactor']);
    const after = applyEdits(base, finding.fixes[0].edits);
    assert.equal(after, [
      'FROM alpine:3.20',
      'LABEL org.opencontainers.image.title="TODO" \\',
      '      org.opencontainers.image.description="TODO" \\',
      '      org.opencontainers.image.source="TODO" \\',
      '      org.opencontainers.image.licenses="TODO"',
      'CMD ["app"]',
      '',
    ].join('\n'));
    assert.deepEqual(findingsOf(after, 'labels'), []);
    assert.deepEqual(findingsOf(after, 'label-values'), [], 'placeholders are not malformed values');
    assert.equal(fixAll(base, {}, (id) => id === 'labels').text, base);
  });

  it('inserts in the file\'s style: CRLF, backtick escape, lower case, no final newline', () => {
    const insert = (text: string) => applyEdits(text, findingsOf(text, 'labels', { requiredLabels: ['a.b', 'c.d'] })[0].fixes[0].edits);
    assert.equal(insert('FROM alpine\r\nCMD x\r\n'), 'FROM alpine\r\nLABEL a.b="TODO" \\\r\n      c.d="TODO"\r\nCMD x\r\n');
    assert.equal(insert('# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n'), '# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nLABEL a.b="TODO" `\n      c.d="TODO"\n');
    assert.equal(insert('from alpine'), 'from alpine\nlabel a.b="TODO" \\\n      c.d="TODO"\n');
    assert.equal(insert('FROM alpine \\\n  AS app\nCMD x\n'), 'FROM alpine \\\n  AS app\nLABEL a.b="TODO" \\\n      c.d="TODO"\nCMD x\n');
  });

  it('speaks Spanish', () => {
    const [finding] = findingsOf(base, 'labels', { locale: 'es', requiredLabels: ['a.b'] });
    assert.equal(finding.message.startsWith('La imagen final no tiene la etiqueta `a.b`'), true);
    assert.equal(finding.fixes[0].title, 'Añadir la etiqueta que falta (valores por rellenar)');
  });
});

describe('maintainer-deprecated', () => {
  it('takes the text literally, dropping only quotes around all of it', () => {
    const value = (text: string) => maintainerValue(new DockerfileModel(`FROM alpine\nMAINTAINER ${text}\n`).stages[0].instructions[0]);
    assert.equal(value('Jane Doe <jane@example.com>'), 'Jane Doe <jane@example.com>');
    assert.equal(value('"Jane Doe"'), 'Jane Doe');
    assert.equal(value("'Jane Doe'"), 'Jane Doe');
    assert.equal(value('"Jane" and "John"'), '"Jane" and "John"');
    assert.equal(value('"The \\"A\\" team"'), 'The "A" team');
    assert.equal(quoteLabelValue('a "b" $c \\d', '\\'), '"a \\"b\\" \\$c \\\\d"');
    assert.equal(quoteLabelValue('C:\\x "y"', '`'), '"C:\\x `"y`""');
  });

  it('keeps the rewritten value exactly: label-values and labels agree with it', () => {
    const text = 'FROM alpine\nMAINTAINER ops team\nLABEL org.opencontainers.image.title=t org.opencontainers.image.description=d \\\n  org.opencontainers.image.source=https://x.org/r org.opencontainers.image.licenses=MIT\n';
    const fixed = fixAll(text, {}, (id) => id === 'maintainer-deprecated').text;
    assert.match(fixed, /^LABEL org\.opencontainers\.image\.authors="ops team"$/m);
    assert.deepEqual(lintStrict(fixed).filter((f) => RULE_IDS.includes(f.ruleId)), []);
  });
});

describe('label-schema-deprecated', () => {
  it('renames only when the value fits the OCI key', () => {
    const fixes = (label: string) => findingsOf(`FROM alpine\nLABEL ${label}\n`, 'label-schema-deprecated')[0].fixes;
    assert.equal(fixes('org.label-schema.build-date="2024-05-01T12:00:00Z"').length, 1);
    assert.equal(fixes('org.label-schema.build-date=$BUILD_DATE').length, 1);
    assert.equal(fixes('org.label-schema.build-date="2024-05-01"').length, 0);
    assert.equal(fixes('org.label-schema.vcs-ref=abcdef1').length, 1);
    assert.equal(fixes('org.label-schema.vcs-ref=HEAD').length, 0);
    assert.equal(fixes('org.label-schema.docker.cmd="docker run x"').length, 0);
  });

  it('does not rename onto a key the image already has', () => {
    const text = 'FROM alpine AS base\nLABEL org.opencontainers.image.title=a\nFROM base\nLABEL org.label-schema.name=b\n';
    assert.deepEqual(findingsOf(text, 'label-schema-deprecated')[0].fixes, []);
  });
});

describe('label-values', () => {
  it('skips values that expand variables, single-quoted $ is literal', () => {
    assert.deepEqual(findingsOf('FROM alpine\nLABEL org.opencontainers.image.created=${DATE:-now}\n', 'label-values'), []);
    assert.equal(findingsOf("FROM alpine\nLABEL org.opencontainers.image.created='$DATE'\n", 'label-values').length, 1);
    assert.equal(findingsOf('FROM alpine\nLABEL org.opencontainers.image.created="\\$DATE"\n', 'label-values').length, 1);
  });

  it('resolves keys written with variables', () => {
    assert.equal(findingsOf('FROM alpine\nARG NS=org.opencontainers.image\nLABEL ${NS}.url=nowhere\n', 'label-values').length, 1);
  });
});

describe('corpus', () => {
  const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : [];

  it('every finding of these rules is precise and every fix round-trips', { skip: files.length === 0 ? 'corpus not available' : false }, (t) => {
    const totals = new Map<string, number>(RULE_IDS.map((id) => [id, 0]));
    for (const file of files) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const all = lintStrict(text);
      const mine = all.filter((f) => RULE_IDS.includes(f.ruleId));
      if (!mine.length) continue;
      const before = countByRule(all);
      const model = new DockerfileModel(text);
      for (const finding of mine) {
        totals.set(finding.ruleId, totals.get(finding.ruleId)! + 1);
        if (finding.ruleId === 'labels') {
          assert.equal(finding.range.start.line, model.finalStage!.from.getRange().start.line, `${file}: labels is reported on the final FROM`);
        }
        for (const fix of finding.fixes) {
          const after = countByRule(lintStrict(applyEdits(text, fix.edits)));
          assert.equal(after.get(finding.ruleId) ?? 0, before.get(finding.ruleId)! - 1, `${file}: fix "${fix.title}" must remove its ${finding.ruleId} finding`);
          for (const [rule, n] of after) assert.ok(n <= (before.get(rule) ?? 0), `${file}: fix "${fix.title}" adds a ${rule} finding`);
        }
      }
    }
    t.diagnostic(`findings on ${files.length} corpus files: ${[...totals].map(([id, n]) => `${id} ${n}`).join(', ')}`);
    // Hand-checked: these rules only fire where the corpus really has the problem.
    assert.equal(totals.get('multi-stage'), 0, 'every corpus image that builds an application already uses a build stage');
    assert.equal(totals.get('stage-reference'), 0, 'the corpus files build: their stage references are sound');
    assert.equal(totals.get('npm-dev-deps'), 0, 'no corpus image installs dev dependencies into its final stage');
    assert.equal(totals.get('maintainer-deprecated'), 1);
    assert.equal(totals.get('label-values'), 2, 'prometheus: licenses="Apache License 2.0"');
  });
});
