// Focused tests of user-root: the image knowledge base, USER classification, account parsing and the
// name clash logic, plus a false-positive and fix round-trip sweep over the real-world corpus.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { DockerfileModel } from '../../shared/dockerfile';
import { lint } from '../../shared/engine';
import { imageFamily, parseImageRef, runsAsNonRoot, shippedNonRootUser } from '../../shared/images';
import { accountsIn, classifyUser, createdUsers, effectiveUser, pickUserName, userRoot } from '../../shared/rules/user-root';
import { applyEdits } from '../../shared/textDocument';
import type { Finding } from '../../shared/types';
import { CORPUS, findingsOf, lintStrict, loadEngine } from '../helpers';

before(loadEngine);

const fixed = (text: string): string => {
  const [finding] = findingsOf(text, 'user-root');
  assert.ok(finding, 'expected a user-root finding');
  return applyEdits(text, finding.fixes[0].edits);
};

describe('images knowledge base', () => {
  it('parses references: registry, official namespaces, tag and digest', () => {
    assert.deepEqual(parseImageRef('node:20-alpine'), { raw: 'node:20-alpine', registry: 'docker.io', repository: 'node', name: 'node', tag: '20-alpine', digest: null });
    assert.equal(parseImageRef('docker.io/library/debian:12')!.repository, 'debian');
    assert.equal(parseImageRef('arm64v8/alpine:3.20')!.repository, 'alpine');
    assert.equal(parseImageRef('index.docker.io/bitnami/redis')!.registry, 'docker.io');
    const ref = parseImageRef('localhost:5000/team/app:1.2@sha256:abc')!;
    assert.equal(ref.registry, 'localhost:5000');
    assert.equal(ref.repository, 'team/app');
    assert.equal(ref.tag, '1.2');
    assert.equal(ref.digest, 'sha256:abc');
    assert.equal(parseImageRef('mcr.microsoft.com/windows/servercore:"ltsc2022"')!.tag, 'ltsc2022');
    assert.equal(parseImageRef('$BASE'), null);
    assert.equal(parseImageRef(''), null);
  });

  it('classifies families', () => {
    const cases: Array<[string, string]> = [
      ['debian:12-slim', 'debian-like'],
      ['ubuntu:24.04', 'debian-like'],
      ['python:3.12-slim-bookworm', 'debian-like'],
      ['eclipse-temurin:21-jdk-noble', 'debian-like'],
      ['registry.example.com/team/app:1.0-bookworm', 'debian-like'],
      ['fedora:40', 'rhel-like'],
      ['registry.access.redhat.com/ubi9/ubi-minimal', 'rhel-like'],
      ['amazoncorretto:21-al2023', 'rhel-like'],
      ['mcr.microsoft.com/dotnet/sdk:10.0-azurelinux3.0', 'rhel-like'],
      ['alpine:3.20', 'alpine'],
      ['arm32v7/alpine', 'alpine'],
      ['node:20-alpine3.20', 'alpine'],
      ['busybox:1.36-musl', 'busybox'],
      ['gcr.io/distroless/static-debian12', 'distroless'],
      ['mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled', 'distroless'],
      ['cgr.dev/chainguard/python:latest', 'chainguard'],
      ['scratch', 'scratch'],
      ['mcr.microsoft.com/windows/servercore:ltsc2022', 'windows'],
      ['golang:1.22-windowsservercore-ltsc2022', 'windows'],
      ['mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022', 'windows'],
      ['registry.example.com/platform/runtime:2.4', 'unknown'],
    ];
    for (const [image, family] of cases) assert.equal(imageFamily(image), family, image);
    assert.equal(imageFamily(null), 'unknown');
  });

  it('knows which images already run as non-root', () => {
    const nonRoot = [
      'gcr.io/distroless/static-debian12:nonroot', 'gcr.io/distroless/base:debug-nonroot',
      'gcr.io/distroless/static-debian13:nonroot-amd64', 'mcr.microsoft.com/azurelinux/distroless/base:3.0-nonroot',
      'cgr.dev/chainguard/static', 'cgr.dev/chainguard/python:latest', 'mcr.microsoft.com/windows/nanoserver:ltsc2022',
      'mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022', 'mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled',
      'mcr.microsoft.com/dotnet/aspnet:10.0-azurelinux3.0-distroless', 'jenkins/jenkins:lts', 'jupyter/base-notebook',
      'quay.io/jupyter/scipy-notebook:2024-07-08', 'bitnami/postgresql:16', 'nginxinc/nginx-unprivileged:1.27-alpine',
    ];
    const root = [
      'node:20', 'debian', 'gcr.io/distroless/static-debian12', 'gcr.io/distroless/base:debug',
      'cgr.dev/chainguard/python:latest-dev', 'cgr.dev/chainguard/wolfi-base', 'mcr.microsoft.com/windows/servercore:ltsc2022',
      'mcr.microsoft.com/dotnet/aspnet:8.0', 'bitnami/minideb:bookworm', 'nginx:1.27', 'scratch',
      'jenkins/jenkins:jdk17-windowsservercore-ltsc2019',
    ];
    for (const image of nonRoot) assert.equal(runsAsNonRoot(image), true, image);
    for (const image of root) assert.equal(runsAsNonRoot(image), false, image);
  });

  it('knows the non-root accounts images ship', () => {
    const cases: Array<[string, string | null]> = [
      ['node:20-alpine', 'node'],
      ['gcr.io/distroless/java17-debian12', 'nonroot'],
      ['cgr.dev/chainguard/node:latest-dev', 'nonroot'],
      ['scratch', '65532:65532'],
      ['mcr.microsoft.com/windows/servercore:ltsc2022', 'ContainerUser'],
      ['mcr.microsoft.com/dotnet/aspnet:8.0', 'app'],
      ['mcr.microsoft.com/dotnet/aspnet:6.0', null],
      ['mcr.microsoft.com/devcontainers/base:bookworm', 'vscode'],
      ['mcr.microsoft.com/devcontainers/typescript-node:20', 'node'],
      ['jenkins/jenkins:lts', 'jenkins'],
      ['debian:12', null],
      ['alpine', null],
    ];
    for (const [image, user] of cases) assert.equal(shippedNonRootUser(image), user, image);
  });
});

describe('USER values', () => {
  it('treats root by name (case-sensitive) or uid 0, whatever the group', () => {
    for (const v of ['root', '0', '00', '0:0', 'root:root', '0:root', 'root:staff', 'root:1000']) assert.equal(classifyUser(v), 'root', v);
    for (const v of ['ROOT', 'Root', 'app', '1000', '1000:0', 'nobody:root', 'rootless']) assert.equal(classifyUser(v), 'non-root', v);
    assert.equal(classifyUser(''), 'unknown');
    assert.equal(classifyUser(':0'), 'unknown');
  });

  it('on Windows the administrator is ContainerAdministrator, in any case', () => {
    assert.equal(classifyUser('ContainerAdministrator', true), 'root');
    assert.equal(classifyUser('containeradministrator', true), 'root');
    assert.equal(classifyUser('ContainerUser', true), 'non-root');
  });

  it('resolves USER $VAR and ignores what cannot be resolved', () => {
    assert.equal(findingsOf('FROM debian\nARG WHO=0\nUSER $WHO\n', 'user-root').length, 1);
    assert.equal(findingsOf('FROM debian\nENV WHO=root\nUSER "${WHO}"\n', 'user-root').length, 1);
    assert.equal(findingsOf('FROM debian\nUSER $WHO\n', 'user-root').length, 0);
    assert.equal(findingsOf('FROM debian\nUSER ${WHO:-app}\n', 'user-root').length, 0);
  });

  it('follows FROM <stage> and reports inherited root on the final FROM', () => {
    const text = 'FROM debian AS base\nUSER app\nFROM base AS mid\nUSER root\nFROM mid\nCMD ["x"]\n';
    const model = new DockerfileModel(text);
    assert.equal(effectiveUser(model, model.finalStage!).kind, 'root');
    const [finding] = findingsOf(text, 'user-root');
    assert.equal(finding.range.start.line, 4);
    assert.match(finding.message, /inherits root from stage "mid"/);
    assert.equal(fixed(text), 'FROM debian AS base\nUSER app\nFROM base AS mid\nUSER root\nFROM mid\nUSER app\nCMD ["x"]\n');
  });

  it('never reports build stages', () => {
    assert.equal(findingsOf('FROM debian AS build\nUSER root\nRUN make\nFROM gcr.io/distroless/static:nonroot\n', 'user-root').length, 0);
  });
});

describe('accounts created by RUN', () => {
  const accounts = (script: string) => {
    const model = new DockerfileModel(`FROM debian\nRUN ${script}\n`);
    return accountsIn(model, model.stages).map((a) => `${a.action} ${a.kind} ${a.name}`);
  };

  it('reads useradd/groupadd options, combined short options included', () => {
    assert.deepEqual(accounts('useradd -ms /bin/bash -u 1001 -G sudo,adm bob'), ['create user bob', 'create group bob']);
    assert.deepEqual(accounts('groupadd -g 2000 -r staff2 && useradd --gid staff2 --home-dir /srv --shell=/bin/sh svc'),
      ['create group staff2', 'create user svc', 'create group svc']);
    assert.deepEqual(accounts('useradd -o -u 0 admin'), ['mention user admin', 'create group admin']);
  });

  it('reads Debian and BusyBox adduser/addgroup', () => {
    assert.deepEqual(accounts('adduser --system --group --no-create-home --home /nonexistent --gecos "" web'), ['create user web', 'create group web']);
    assert.deepEqual(accounts('addgroup --system ops'), ['create group ops']);
    assert.deepEqual(accounts('adduser --group ops'), ['create group ops']);
    assert.deepEqual(accounts('addgroup -S -g 101 www && adduser -S -D -H -G www -g "web user" -s /sbin/nologin www'),
      ['create group www', 'create user www', 'create group www']);
    assert.deepEqual(accounts('adduser web www-data && addgroup web audio'), ['mention user web', 'mention user www-data', 'mention group web', 'mention group audio']);
  });

  it('sees through sudo/env and resolves ARG names', () => {
    const model = new DockerfileModel('FROM debian\nARG NAME=dev\nRUN sudo -E env A=1 /usr/sbin/useradd -m "$NAME"\n');
    const [user] = accountsIn(model, model.stages);
    assert.equal(user.name, 'dev');
    assert.equal(user.written, '$NAME');
  });

  it('forgets users deleted later', () => {
    const model = new DockerfileModel('FROM alpine\nRUN adduser -D builder && adduser -D -S web\nRUN deluser builder\n');
    assert.deepEqual(createdUsers(model, model.stages).map((a) => a.name), ['web']);
  });
});

describe('new user name', () => {
  it('goes app → appuser → app1 → app2', () => {
    assert.equal(pickUserName(new Set()), 'app');
    assert.equal(pickUserName(new Set(['app'])), 'appuser');
    assert.equal(pickUserName(new Set(['app', 'appuser'])), 'app1');
    assert.equal(pickUserName(new Set(['app', 'appuser', 'app1'])), 'app2');
  });

  it('avoids users and groups created anywhere in the file, even in other stages', () => {
    const text = 'FROM debian AS build\nRUN groupadd app && useradd -g app appuser && addgroup --system app1\n'
      + 'FROM debian\nCOPY --from=build /out /out\nCMD ["/out/run"]\n';
    assert.equal(fixed(text), 'FROM debian AS build\nRUN groupadd app && useradd -g app appuser && addgroup --system app1\n'
      + 'FROM debian\nCOPY --from=build /out /out\nRUN groupadd -r app2 && useradd -r -g app2 -s /sbin/nologin app2\nUSER app2\nCMD ["/out/run"]\n');
  });
});

describe('the fix', () => {
  it('hands the WORKDIR over only for files copied into it without --chown', () => {
    assert.match(fixed('FROM debian\nWORKDIR /app\nCOPY x ./sub/\nCMD ["a"]\n'), /&& chown -R app:app \/app\n/);
    assert.match(fixed('FROM debian\nWORKDIR /app\nCOPY ["a b", "/app/data/"]\nCMD ["a"]\n'), /&& chown -R app:app \/app\n/);
    assert.doesNotMatch(fixed('FROM debian\nWORKDIR /app\nCOPY --chown=1:1 x .\nCMD ["a"]\n'), /chown -R/);
    assert.doesNotMatch(fixed('FROM debian\nWORKDIR /app\nCOPY x /etc/x\nCMD ["a"]\n'), /chown -R/);
    assert.doesNotMatch(fixed('FROM debian\nCOPY x .\nCMD ["a"]\n'), /chown -R/, 'no chown of /');
    assert.match(fixed('FROM debian\nWORKDIR "/srv/my app"\nCOPY x .\nCMD ["a"]\n'), /chown -R app:app '\/srv\/my app'\n/);
  });

  it('goes after the last build step, so a CMD written early is skipped', () => {
    assert.equal(fixed('FROM debian\nCMD ["a"]\nRUN true\nEXPOSE 80\n'),
      'FROM debian\nCMD ["a"]\nRUN true\nEXPOSE 80\nRUN groupadd -r app && useradd -r -g app -s /sbin/nologin app\nUSER app\n');
  });

  it('keeps an ignore comment attached to the CMD', () => {
    const text = 'FROM debian\nRUN true\n# dockerfile-seguro ignore=some-rule -- reason\nCMD ["a"]\n';
    assert.equal(fixed(text), 'FROM debian\nRUN true\nRUN groupadd -r app && useradd -r -g app -s /sbin/nologin app\nUSER app\n'
      + '# dockerfile-seguro ignore=some-rule -- reason\nCMD ["a"]\n');
  });

  it('keeps CRLF line endings', () => {
    assert.equal(fixed('FROM node:20\r\nCMD ["node"]\r\n'), 'FROM node:20\r\nUSER node\r\nCMD ["node"]\r\n');
    assert.equal(fixed('FROM node:20'), 'FROM node:20\nUSER node');
    assert.equal(fixed('FROM node:20\r\nRUN x'), 'FROM node:20\r\nRUN x\r\nUSER node');
  });

  it('switches back to the user in use before USER root, keeping a variable when in scope', () => {
    assert.equal(fixed('FROM jupyter/base-notebook\nUSER root\nRUN apt-get update\n'), 'FROM jupyter/base-notebook\nUSER root\nRUN apt-get update\nUSER jovyan\n');
    assert.equal(fixed('FROM debian\nUSER ${NB_UID}\nUSER root\nRUN x\n'), 'FROM debian\nUSER ${NB_UID}\nUSER root\nRUN x\nUSER ${NB_UID}\n');
    assert.equal(fixed('FROM debian AS a\nARG U=svc\nUSER $U\nFROM a\nUSER root\n'), 'FROM debian AS a\nARG U=svc\nUSER $U\nFROM a\nUSER root\nUSER svc\n');
    assert.equal(fixed('FROM debian\nARG U=svc\nUSER $U\nUSER root\nCMD ["a"]\n\n# end\n'), 'FROM debian\nARG U=svc\nUSER $U\nUSER root\nUSER $U\nCMD ["a"]\n\n# end\n');
    assert.equal(fixed('FROM debian\nARG U=svc\nUSER $U\nUSER root\n\n# end\n'), 'FROM debian\nARG U=svc\nUSER $U\nUSER root\nUSER $U\n\n# end\n');
  });

  it('uses ContainerUser for Windows builds, even when the image is only known at build time', () => {
    assert.equal(fixed('# escape=`\nFROM $BASE\nRUN dir\n'), '# escape=`\nFROM $BASE\nRUN dir\nUSER ContainerUser\n');
    assert.equal(findingsOf('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerAdministrator\n', 'user-root').length, 1);
  });

  it('reports the FROM on its first line only', () => {
    const [f] = findingsOf('FROM --platform=$BUILDPLATFORM debian:12 AS final \\\n  \nCMD ["a"]\n', 'user-root');
    assert.deepEqual(f.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 49 } });
  });

  it('offers no fix while the file ends in an unterminated heredoc, its opener split by a continuation too', () => {
    // Inserted lines would land in the heredoc's body: the finding would stay and every fix-all add them again.
    for (const text of ['FROM debian\nRUN <<EOF\necho hi\n', 'FROM debian AS a\nADD <\\\n<A /a\nFROM debian\nCMD ["x"]\n',
      'FROM debian AS a\nADD <\\\r\n\\\r\n<A /a\nFROM debian\nCMD ["x"]\n']) {
      const [finding] = findingsOf(text, 'user-root');
      assert.ok(finding, `expected a finding in ${JSON.stringify(text)}`);
      assert.deepEqual(finding.fixes, [], JSON.stringify(text));
    }
    // A terminated heredoc opened the same way, and a `<` that opens none, keep the fix.
    assert.equal(findingsOf('FROM debian\nRUN <\\\n<EOF\necho hi\nEOF\n', 'user-root')[0].fixes.length, 1);
    assert.equal(findingsOf('FROM debian\nRUN sort < /etc/passwd\n', 'user-root')[0].fixes.length, 1);
  });

  it('speaks Spanish', () => {
    const [f] = lint('FROM debian\n', { locale: 'es' }).filter((x) => x.ruleId === 'user-root');
    assert.match(f.message, /La etapa final no tiene USER/);
    assert.equal(f.fixes[0].title, 'Insertar bloque de usuario sin privilegios');
  });
});

describe('rule metadata', () => {
  it('matches the issue', () => {
    const meta = userRoot.meta;
    assert.equal(meta.id, 'user-root');
    assert.deepEqual(meta.sections, ['3.1.2', '2.1.3']);
    assert.equal(meta.severity, 'warning');
    assert.equal(meta.fixable, true);
    assert.deepEqual(meta.equivalents, { hadolint: ['DL3002'], trivy: ['DS-0002'], checkov: ['CKV_DOCKER_3', 'CKV_DOCKER_8'] });
    for (const docs of [meta.docs.en, meta.docs.es]) for (const text of Object.values(docs)) assert.ok(text.length > 10);
  });
});

describe('corpus', () => {
  const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : [];

  it('never flags a build stage, and every fix applies cleanly', { skip: files.length === 0 ? 'corpus not available' : false }, (t) => {
    let flagged = 0;
    for (const file of files) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const all = lintStrict(text);
      const mine = all.filter((f) => f.ruleId === 'user-root');
      if (!mine.length) continue;
      flagged++;
      assert.equal(mine.length, 1, `${file}: one finding at most`);
      const model = new DockerfileModel(text);
      const finalLine = model.finalStage!.from.getRange().start.line;
      const counts = (findings: Finding[]) => findings.reduce((m, f) => m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1), new Map<string, number>());
      const before = counts(all);
      for (const finding of mine) {
        assert.ok(finding.range.start.line >= finalLine, `${file}: finding on line ${finding.range.start.line + 1} is before the final stage`);
        for (const fix of finding.fixes) {
          const after = lintStrict(applyEdits(text, fix.edits));
          assert.deepEqual(after.filter((f) => f.ruleId === 'user-root'), [], `${file}: fix leaves a user-root finding`);
          for (const [rule, n] of counts(after)) assert.ok(n <= (before.get(rule) ?? 0), `${file}: fix adds a ${rule} finding`);
        }
      }
    }
    t.diagnostic(`user-root flags ${flagged} of ${files.length} corpus files`);
  });
});
