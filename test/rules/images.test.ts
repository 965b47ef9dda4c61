// Focused tests of the base-image rules (image-tag, image-floating-tag, image-digest, image-minimal,
// image-registry): the tag and variant knowledge in shared/images.ts, ranges, messages, the configured
// registry check, and a precision and fix round-trip sweep over the real-world corpus.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DockerfileModel } from '../../shared/dockerfile';
import {
  isStampedTag, parseImageRef, parseRegistryEntry, registryEntryMatches, slimmerVariants, tagStability, withoutVariables,
} from '../../shared/images';
import { imageDigest } from '../../shared/rules/image-digest';
import { imageFloatingTag } from '../../shared/rules/image-floating-tag';
import { imageMinimal } from '../../shared/rules/image-minimal';
import { imageRegistry } from '../../shared/rules/image-registry';
import { fromImages, imageTag, referenceParts } from '../../shared/rules/image-tag';
import { applyEdits } from '../../shared/textDocument';
import type { Finding, LintOptions } from '../../shared/types';
import { CORPUS, findingsOf, formatRange, lintStrict, loadEngine } from '../helpers';

before(loadEngine);

const IDS = ['image-tag', 'image-floating-tag', 'image-digest', 'image-minimal', 'image-registry'];

const kind = (reference: string) => tagStability(parseImageRef(reference)!).kind;
const ranges = (text: string, id: string, options: LintOptions = {}) => findingsOf(text, id, options).map(formatRange);
const ids = (text: string, options: LintOptions = {}) => lintStrict(text, options).filter((f) => IDS.includes(f.ruleId)).map((f) => f.ruleId).sort();

describe('base image rules: metadata', () => {
  it('follow the issue: sections, severities, no quick fixes', () => {
    const expected: Array<[typeof imageTag, string[], string]> = [
      [imageTag, ['3.2.1', '2.2.1'], 'warning'],
      [imageFloatingTag, ['2.2.1', '3.2.1'], 'info'],
      [imageDigest, ['2.2.1', '3.2.1'], 'hint'],
      [imageMinimal, ['3.1.1', '2.2.1'], 'info'],
      [imageRegistry, ['3.2.3', '2.2.1'], 'error'],
    ];
    for (const [rule, sections, severity] of expected) {
      assert.deepEqual(rule.meta.sections, sections, rule.meta.id);
      assert.equal(rule.meta.severity, severity, rule.meta.id);
      assert.equal(rule.meta.fixable, false, rule.meta.id);
    }
    assert.deepEqual(imageTag.meta.equivalents.hadolint, ['DL3006', 'DL3007']);
    assert.deepEqual(imageRegistry.meta.equivalents.hadolint, ['DL3026']);
  });

  it('image-minimal docs mention distroless and scratch as the smallest options', () => {
    for (const locale of ['en', 'es'] as const) {
      assert.match(imageMinimal.meta.docs[locale].how, /distroless/);
      assert.match(imageMinimal.meta.docs[locale].how, /scratch/);
    }
  });
});

describe('tag stability', () => {
  it('knows untagged and latest', () => {
    assert.equal(kind('node'), 'latest');
    assert.equal(kind('node:latest'), 'latest');
    assert.equal(kind('node:latest@sha256:abc'), 'pinned');
  });

  it('reports partial versions of images released as major.minor.patch', () => {
    for (const ref of ['node:18', 'python:3', 'python:3.12', 'golang:1.22-alpine', 'alpine:3.20', 'mcr.microsoft.com/dotnet/sdk:8.0',
      'mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled', 'eclipse-temurin:21-jre', 'openjdk:8-jre', 'amazoncorretto:21-al2023-jdk',
      'postgres:16', 'debian:12', 'nginx:1.27-alpine', 'golang:1.22-windowsservercore-ltsc2022', 'traefik:v3.1', 'arm64v8/alpine:3.20',
      'mcr.microsoft.com/devcontainers/base:1-bookworm']) {
      assert.equal(kind(ref), 'partial', ref);
    }
    assert.deepEqual(tagStability(parseImageRef('node:20-bookworm')!), { kind: 'partial', version: '20', needed: 3 });
  });

  it('reports moving aliases, Debian codenames and versionless variants', () => {
    for (const ref of ['node:lts', 'node:lts-alpine', 'debian:stable', 'ubuntu:rolling', 'alpine:edge', 'nginx:mainline', 'nginx:stable-alpine',
      'mcr.microsoft.com/mssql/server:2019-latest', 'cgr.dev/chainguard/python:latest-dev', 'jenkins/jenkins:lts-jdk17', 'acme/tool:stable']) {
      assert.equal(kind(ref), 'alias', ref);
    }
    for (const ref of ['debian:bookworm', 'debian:bookworm-slim', 'debian:jessie']) assert.equal(kind(ref), 'codename', ref);
    for (const ref of ['node:alpine', 'python:slim-bookworm', 'php:fpm-alpine', 'golang:alpine3.20', 'mcr.microsoft.com/devcontainers/base:bookworm']) {
      assert.equal(kind(ref), 'versionless', ref);
    }
  });

  it('accepts full versions, two-part releases, stamps and digests', () => {
    for (const ref of ['node:18.1.0-alpine3.15', 'python:3.12.2-slim-bookworm', 'ubuntu:22.04', 'ubuntu:24.04', 'ubuntu:noble', 'ubuntu:jammy-20240627',
      'alpine:3.20.1', 'debian:12.5-slim', 'debian:bookworm-20240311', 'debian:bookworm-20240311-slim', 'postgres:16.3-alpine', 'gradle:8.8-jdk21',
      'gcc:14.2', 'fedora:40', 'mcr.microsoft.com/dotnet/sdk:8.0.303', 'mcr.microsoft.com/dotnet/aspnet:8.0.7-alpine3.20',
      'eclipse-temurin:21.0.3_9-jre', 'eclipse-temurin:8u412-b08-jre-jammy', 'openjdk:22-ea-15-jdk', 'golang:1.23rc1', 'python:3.13.0b3',
      'golang:tip-20240701', 'node:20@sha256:abc', 'mcr.microsoft.com/devcontainers/base:1.2.3-bookworm', 'busybox:1.36.1-musl']) {
      assert.equal(kind(ref), 'pinned', ref);
    }
  });

  it('claims nothing about images whose versioning it does not know, nor about Windows base images', () => {
    for (const ref of ['registry.example.com/team/app:1.2', 'acme/app:2', 'buildpack-deps:bookworm', 'amazonlinux:2',
      'mcr.microsoft.com/windows/servercore:ltsc2022', 'mcr.microsoft.com/windows/nanoserver:1809', 'microsoft/nanoserver:10.0.14393.321',
      'mcr.microsoft.com/azurelinux/base/core:3.0', 'gcr.io/distroless/static-debian12:nonroot', 'mcr.microsoft.com/dotnet/framework/sdk:4.8',
      'mcr.microsoft.com/dotnet/framework/aspnet:4.8.1-windowsservercore-ltsc2022']) {
      assert.equal(kind(ref), 'unknown', ref);
    }
  });

  it('recognises date and commit stamps', () => {
    for (const tag of ['bookworm-20240311', 'nightly-2024-07-08', 'sha-1a2b3c4', '1a2b3c4d', 'main-20240101T120000Z', 'git-abc1234']) assert.ok(isStampedTag(tag), tag);
    for (const tag of ['bookworm', '20', '3.12-slim', 'deadbeef', 'alpine3.20', 'ltsc2022']) assert.ok(!isStampedTag(tag), tag);
  });
});

describe('slimmer variants', () => {
  const variants = (ref: string) => slimmerVariants(parseImageRef(ref)!)?.variants.map((v) => `${v.name ?? ''}:${v.tag}`) ?? null;

  it('offers the slim and Alpine builds of language images, keeping the version', () => {
    assert.deepEqual(variants('node:20'), [':20-slim', ':20-alpine']);
    assert.deepEqual(variants('node:20.11.1'), [':20.11.1-slim', ':20.11.1-alpine']);
    assert.deepEqual(variants('node:20-bookworm'), [':20-bookworm-slim', ':20-alpine']);
    assert.deepEqual(variants('node:lts'), [':lts-slim', ':lts-alpine']);
    assert.deepEqual(variants('python:3.12'), [':3.12-slim', ':3.12-alpine']);
    assert.deepEqual(variants('python:3.12.2-bookworm'), [':3.12.2-slim-bookworm', ':3.12.2-alpine']);
    assert.deepEqual(variants('ruby:3.3'), [':3.3-slim', ':3.3-alpine']);
    assert.deepEqual(variants('golang:1.22'), [':1.22-alpine']);
    assert.deepEqual(variants('debian:12'), [':12-slim']);
    assert.deepEqual(variants('debian:bookworm'), [':bookworm-slim']);
    assert.deepEqual(variants('debian:bookworm-20240311'), [':bookworm-20240311-slim']);
    assert.deepEqual(variants('php:8.3'), [':8.3-alpine']);
    assert.deepEqual(variants('php:8.3-fpm-bookworm'), [':8.3-fpm-alpine']);
  });

  it('offers a JRE for JDK and build-tool images, and aspnet/runtime for the .NET SDK', () => {
    assert.deepEqual(variants('eclipse-temurin:21-jdk'), [':21-jre']);
    assert.deepEqual(variants('eclipse-temurin:21'), [':21-jre']);
    assert.deepEqual(variants('eclipse-temurin:21-jdk-jammy'), [':21-jre-jammy']);
    assert.deepEqual(variants('eclipse-temurin:21.0.3_9-jdk'), [':21.0.3_9-jre']);
    assert.deepEqual(variants('openjdk:11'), [':11-jre', ':11-jre-slim']);
    assert.deepEqual(variants('maven:3.9.8-eclipse-temurin-21'), ['eclipse-temurin:21-jre']);
    assert.deepEqual(variants('gradle:8.8-jdk21-alpine'), ['eclipse-temurin:21-jre-alpine']);
    assert.deepEqual(variants('mcr.microsoft.com/dotnet/sdk:8.0'), ['aspnet:8.0', 'runtime:8.0']);
    assert.deepEqual(variants('mcr.microsoft.com/dotnet/sdk:8.0-alpine'), ['aspnet:8.0-alpine', 'runtime:8.0-alpine']);
    assert.deepEqual(variants('mcr.microsoft.com/dotnet/sdk:8.0.303'), [], 'an SDK build number has no runtime tag');
  });

  it('knows nothing smaller for slim, Alpine, JRE, chiseled, distroless, untagged, Windows or unknown images', () => {
    for (const ref of ['node:20-slim', 'node:20-alpine', 'node:20-bookworm-slim', 'python:3.12-slim-bookworm', 'debian:12-slim',
      'eclipse-temurin:21-jre', 'openjdk:17', 'mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled', 'mcr.microsoft.com/dotnet/sdk:8.0-noble-aot',
      'gcr.io/distroless/java21-debian12', 'node', 'node:latest', 'php:8.3-apache', 'golang:1.22-windowsservercore-ltsc2022',
      'mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022', 'mcr.microsoft.com/windows/servercore:ltsc2022', 'registry.example.com/node:20',
      'maven:3.9-amazoncorretto-21', 'ubuntu:24.04']) {
      assert.equal(variants(ref), null, ref);
    }
  });
});

describe('registry entries', () => {
  const trusted = (entry: string, image: string) => {
    const ref = parseImageRef(image)!;
    const path = ref.registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
    return registryEntryMatches(parseRegistryEntry(entry)!, ref.registry, path);
  };

  it('match hosts, path prefixes and wildcard subdomains', () => {
    assert.equal(trusted('ghcr.io', 'ghcr.io/acme/app:1'), true);
    assert.equal(trusted('ghcr.io/acme', 'ghcr.io/acme/app:1'), true);
    assert.equal(trusted('ghcr.io/acme', 'ghcr.io/acmex/app:1'), false);
    assert.equal(trusted('https://GHCR.io/acme/', 'ghcr.io/acme/app:1'), true);
    assert.equal(trusted('*.example.com', 'registry.example.com/app:1'), true);
    assert.equal(trusted('*.example.com', 'a.b.example.com/app:1'), true, 'any subdomain depth');
    assert.equal(trusted('*.example.com', 'registry.example.com.evil.io/app:1'), false);
    assert.equal(trusted('*.example.com', 'evilexample.com/app:1'), false);
    assert.equal(trusted('*.example.com', 'example.com/app:1'), false);
    assert.equal(trusted('registry.internal', 'registry.internal:5000/app:1'), true, 'an entry without a port accepts any port');
    assert.equal(trusted('registry.internal:5000', 'registry.internal/app:1'), false);
  });

  it('treat Docker Hub names alike and official images as library/', () => {
    for (const entry of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      assert.equal(trusted(entry, 'node:20'), true, entry);
      assert.equal(trusted(entry, 'library/node:20'), true, entry);
      assert.equal(trusted(entry, 'bitnami/redis:7'), true, entry);
    }
    assert.equal(trusted('docker.io/library', 'node:20'), true);
    assert.equal(trusted('docker.io/library', 'bitnami/redis:7'), false);
    assert.equal(trusted('docker.io/bitnami', 'bitnami/redis:7'), true);
    assert.equal(trusted('ghcr.io', 'node:20'), false);
  });

  it('stay undecided on a path that a build argument completes', () => {
    assert.equal(registryEntryMatches(parseRegistryEntry('ghcr.io/acme')!, 'ghcr.io', '', false), null);
    assert.equal(registryEntryMatches(parseRegistryEntry('ghcr.io/acme')!, 'ghcr.io', 'acme/', false), true);
    assert.equal(registryEntryMatches(parseRegistryEntry('ghcr.io/acme')!, 'ghcr.io', 'other/', false), false);
    assert.equal(parseRegistryEntry('  '), null);
  });
});

describe('reference parsing in FROM', () => {
  it('splits references at top-level separators only', () => {
    const parts = referenceParts('ghcr.io/acme/app:${TAG:-1.0/x}@sha256:abc');
    assert.equal(parts.hostEnd, 7);
    assert.deepEqual(parts.tag, { start: 17, end: 30 });
    assert.deepEqual(parts.digest, { start: 31, end: 41 });
    assert.equal(referenceParts('localhost:5000/app').tag, null);
    assert.equal(referenceParts('node').hostEnd, null);
  });

  it('resolves ARG defaults and keeps what is known of partly unknown references', () => {
    const model = new DockerfileModel('ARG REGISTRY\nARG BASE=node:20\nARG IMAGE\nFROM $BASE AS a\nFROM ${REGISTRY}/team/app:1.0 AS b\nFROM ${IMAGE}:latest AS c\nFROM node:$TAG AS d\nFROM $IMAGE AS e\nFROM a\n');
    const images = fromImages(model);
    assert.deepEqual(images.map((i) => [i.written, i.resolved, i.tag, i.digest]), [
      ['$BASE', 'node:20', '20', null],
      ['${REGISTRY}/team/app:1.0', null, '1.0', null],
      ['${IMAGE}:latest', null, 'latest', null],
      ['node:$TAG', null, undefined, undefined],
    ]);
  });
});

describe('image-tag', () => {
  it('flags the image text of untagged and latest images, never with a fix', () => {
    const text = 'FROM node AS a\nFROM ubuntu:latest AS b\nFROM "alpine"\n';
    assert.deepEqual(ranges(text, 'image-tag'), ['1:6-1:10', '2:6-2:19', '3:7-3:13']);
    for (const f of findingsOf(text, 'image-tag')) assert.deepEqual(f.fixes, []);
  });

  it('resolves the stage image through ARG defaults', () => {
    assert.deepEqual(ranges('ARG BASE=python\nFROM $BASE\n', 'image-tag'), ['2:6-2:11']);
    assert.match(findingsOf('ARG BASE=python\nFROM $BASE\n', 'image-tag')[0].message, /`\$BASE` \(python\)/);
    assert.deepEqual(ranges('ARG V=latest\nFROM node:${V}\n', 'image-tag'), ['2:6-2:15']);
    assert.deepEqual(ranges('ARG V=20\nFROM node:${V}\n', 'image-tag'), []);
  });

  it('leaves scratch, stage references, digests and unknown ARGs alone', () => {
    const text = 'ARG IMAGE\nFROM node:20.11.1 AS build\nFROM build\nFROM node@sha256:abc\nFROM $IMAGE\nFROM scratch\n';
    assert.deepEqual(ranges(text, 'image-tag'), []);
  });

  it('speaks Spanish', () => {
    const [finding] = findingsOf('FROM node\n', 'image-tag', { locale: 'es' });
    assert.match(finding.message, /no tiene tag/);
  });
});

describe('image-floating-tag', () => {
  it('flags the tag text, or the ARG that holds the image', () => {
    assert.deepEqual(ranges('FROM node:18 AS a\nFROM golang:1.22-alpine\n', 'image-floating-tag'), ['1:11-1:13', '2:13-2:24']);
    assert.deepEqual(ranges('ARG BASE=python:3.12\nFROM $BASE\n', 'image-floating-tag'), ['2:6-2:11']);
    assert.deepEqual(ranges('ARG V=3.12\nFROM python:${V}-slim\n', 'image-floating-tag'), ['2:13-2:22']);
  });

  it('says what the full version looks like', () => {
    assert.match(findingsOf('FROM node:18\n', 'image-floating-tag')[0].message, /18\.x\.y/);
    assert.match(findingsOf('FROM python:3.12\n', 'image-floating-tag')[0].message, /3\.12\.x/);
    assert.match(findingsOf('FROM node:lts\n', 'image-floating-tag', { locale: 'es' })[0].message, /alias/);
  });

  it('never double-reports what image-tag reports', () => {
    assert.deepEqual(ids('FROM node\n'), ['image-digest', 'image-tag']);
    assert.deepEqual(ids('FROM node:latest\n'), ['image-digest', 'image-tag']);
    assert.deepEqual(ids('FROM node:18\n'), ['image-digest', 'image-floating-tag']);
    assert.deepEqual(ids('FROM node:18.1.0-alpine3.15\n'), ['image-digest']);
    assert.deepEqual(ids('FROM node:18@sha256:abc\n'), []);
  });
});

describe('image-digest', () => {
  it('flags every external image without a digest, once', () => {
    const text = 'FROM node:20.11.1 AS build\nFROM build AS again\nFROM scratch\nFROM node:20.11.1@sha256:abc\n';
    assert.deepEqual(ranges(text, 'image-digest'), ['1:6-1:18']);
  });
});

describe('image-minimal', () => {
  const app = (from: string, body = 'CMD ["./app"]\n') => `FROM ${from}\n${body}`;
  const titles = (text: string, locale: 'en' | 'es' = 'en') => findingsOf(text, 'image-minimal', { locale }).flatMap((f) => f.fixes.map((x) => `${x.kind}:${x.title}`));

  it('offers one refactor per variant, never a quick fix', () => {
    assert.deepEqual(titles(app('node:20')), ['refactor:Use node:20-slim', 'refactor:Use node:20-alpine']);
    assert.deepEqual(titles(app('node:20'), 'es'), ['refactor:Usar node:20-slim', 'refactor:Usar node:20-alpine']);
    assert.deepEqual(titles(app('mcr.microsoft.com/dotnet/sdk:8.0')), [
      'refactor:Use mcr.microsoft.com/dotnet/aspnet:8.0', 'refactor:Use mcr.microsoft.com/dotnet/runtime:8.0']);
  });

  it('rewrites only the tag, through build arguments when it can', () => {
    const edit = (text: string, i = 0) => applyEdits(text, findingsOf(text, 'image-minimal')[0].fixes[i].edits);
    assert.equal(edit(app('node:20-bookworm'), 1), app('node:20-alpine'));
    assert.equal(edit('ARG V=20\nFROM node:${V}\nCMD ["x"]\n'), 'ARG V=20\nFROM node:${V}-slim\nCMD ["x"]\n');
    assert.equal(edit('ARG V=3.12\nFROM python:${V}-bookworm\nCMD ["x"]\n'), 'ARG V=3.12\nFROM python:${V}-slim-bookworm\nCMD ["x"]\n');
    assert.equal(edit(app('docker.io/library/maven:3-eclipse-temurin-21')), app('docker.io/library/eclipse-temurin:21-jre'));
    // A whole-image ARG cannot be rewritten in the FROM: the finding stays, without actions.
    assert.deepEqual(findingsOf('ARG BASE=node:20\nFROM $BASE\nCMD ["x"]\n', 'image-minimal')[0].fixes, []);
  });

  it('never trades a pinned tag for a moving one', () => {
    assert.deepEqual(titles(app('maven:3.9.8-eclipse-temurin-21')), []);
    assert.equal(findingsOf(app('maven:3.9.8-eclipse-temurin-21'), 'image-minimal').length, 1);
  });

  it('drops Alpine when the final image uses apt or dpkg', () => {
    assert.deepEqual(titles(app('node:20', 'RUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD ["node", "x"]\n')), ['refactor:Use node:20-slim']);
    assert.deepEqual(ranges(app('golang:1.22.5', 'RUN sudo dpkg -i /tmp/x.deb\nCMD ["/app"]\n'), 'image-minimal'), [], 'no variant fits');
  });

  it('looks at the final image only, through the stages it builds on', () => {
    assert.deepEqual(ranges('FROM node:20 AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs20-debian12\nCMD ["x.js"]\n', 'image-minimal'), []);
    assert.deepEqual(ranges('FROM debian:12 AS base\nFROM base\nCMD ["x"]\n', 'image-minimal'), ['1:6-1:15']);
  });

  it('stays quiet for toolchains, dev containers and ONBUILD templates', () => {
    assert.deepEqual(ranges(app('golang:1.22', ''), 'image-minimal'), []);
    assert.deepEqual(ranges(app('gradle:8.8-jdk21', 'CMD ["gradle"]\n'), 'image-minimal'), []);
    assert.deepEqual(ranges(app('python:3.12', 'CMD ["python3"]\n'), 'image-minimal'), []);
    assert.deepEqual(ranges(app('python:3.12', 'CMD python3 app.py\n'), 'image-minimal'), ['1:6-1:17']);
    assert.deepEqual(ranges(app('node:20', 'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["bash"]\n'), 'image-minimal'), []);
    assert.deepEqual(ranges(app('node:20', 'ONBUILD RUN npm ci\nCMD ["npm", "start"]\n'), 'image-minimal'), []);
  });
});

describe('image-registry', () => {
  const options = (list: string[]): LintOptions => ({ trustedRegistries: list });

  it('is off until configured', () => {
    assert.deepEqual(ranges('FROM quay.io/acme/app:1.0\n', 'image-registry'), []);
    assert.deepEqual(ranges('FROM quay.io/acme/app:1.0\n', 'image-registry', options([])), []);
  });

  it('flags the registry part when written, else the image text', () => {
    assert.deepEqual(ranges('FROM quay.io/acme/app:1.0\n', 'image-registry', options(['ghcr.io'])), ['1:6-1:13']);
    assert.deepEqual(ranges('FROM node:20.11.1\n', 'image-registry', options(['ghcr.io'])), ['1:6-1:18']);
    assert.deepEqual(ranges('ARG B=quay.io/acme/app:1.0\nFROM $B\n', 'image-registry', options(['ghcr.io'])), ['2:6-2:8']);
    assert.deepEqual(ranges('FROM node:20.11.1\n', 'image-registry', options(['docker.io'])), []);
  });

  it('skips scratch, stage references and registries decided by a build argument', () => {
    const text = 'ARG REGISTRY\nFROM ${REGISTRY}/acme/app:1.0 AS a\nFROM a\nFROM scratch\n';
    assert.deepEqual(ranges(text, 'image-registry', options(['ghcr.io'])), []);
  });

  it('names the registry and the list, in both languages', () => {
    const [en] = findingsOf('FROM node:20.11.1\n', 'image-registry', options(['ghcr.io']));
    assert.match(en.message, /Docker Hub/);
    assert.match(en.message, /`ghcr\.io`/);
    const [es] = findingsOf('FROM node:20.11.1\n', 'image-registry', { ...options(['ghcr.io']), locale: 'es' });
    assert.match(es.message, /registros confiables/);
  });
});

describe('base image rules on the corpus', () => {
  const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : [];
  const counts = (findings: Finding[]) => findings.reduce((m, f) => m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1), new Map<string, number>());
  const configured: LintOptions = { trustedRegistries: ['docker.io', 'mcr.microsoft.com', 'gcr.io/distroless'] };

  it('never reports one FROM twice for its tag, keeps image-minimal on the final image, and every action applies cleanly',
    { skip: files.length === 0 ? 'corpus not available' : false }, (t) => {
      const totals = new Map<string, number>();
      for (const file of files) {
        const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
        const all = lintStrict(text, configured);
        const before = counts(all);
        const mine = all.filter((f) => IDS.includes(f.ruleId));
        for (const f of mine) totals.set(f.ruleId, (totals.get(f.ruleId) ?? 0) + 1);
        const tagLines = mine.filter((f) => f.ruleId === 'image-tag').map((f) => f.range.start.line);
        for (const f of mine.filter((x) => x.ruleId === 'image-floating-tag')) {
          assert.ok(!tagLines.includes(f.range.start.line), `${file}: image-tag and image-floating-tag on line ${f.range.start.line + 1}`);
        }
        assert.ok(mine.filter((f) => f.ruleId === 'image-minimal').length <= 1, `${file}: one image-minimal at most`);
        for (const finding of mine) {
          assert.equal(finding.fixes.filter((x) => x.kind === 'quickfix').length, 0, `${file}: ${finding.ruleId} offers a quick fix`);
          for (const fix of finding.fixes) {
            const after = counts(lintStrict(applyEdits(text, fix.edits), configured));
            assert.equal(after.get(finding.ruleId) ?? 0, (before.get(finding.ruleId) ?? 0) - 1, `${file}: "${fix.title}" must remove its finding`);
            for (const [rule, n] of after) assert.ok(n <= (before.get(rule) ?? 0), `${file}: "${fix.title}" adds a ${rule} finding`);
          }
        }
      }
      t.diagnostic(`findings on ${files.length} corpus files: ${IDS.map((id) => `${id} ${totals.get(id) ?? 0}`).join(', ')}`);
    });
});

describe('withoutVariables', () => {
  // The regular expression it replaces (quadratic after an unclosed `${`): the results must be the same.
  const byRegex = (text: string) => text.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '');

  it('drops ${…} and $NAME references exactly as the regular expression did', () => {
    for (const text of ['golang:${GO_VERSION}-alpine', 'node:$NODE', '${REGISTRY}/app:${TAG:-1.0}', 'a${b', '$1x', '${a${b}c', '$$_x}', 'plain']) {
      assert.equal(withoutVariables(text), byRegex(text), text);
    }
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', 'a', '_', '1', ':', '-', '/', ' '), maxLength: 24 }),
      (text) => withoutVariables(text) === byRegex(text)), { seed: 20_261_128, numRuns: 5_000 });
  });
});
