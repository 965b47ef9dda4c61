// What the linter knows about base images without pulling them: which family of distribution an image
// belongs to (it decides which tools exist to create a user), which images already run as a non-root
// user, and which ship a ready-made non-root account. Everything is data: add an entry to a table below
// rather than a special case in a rule. Matching is on the image reference text only, so a table entry
// is a promise about what the publisher ships; keep entries to images whose behaviour is documented.

import { memoByKey } from './memo';

/** A parsed image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageRef {
  /** The reference as given (quotes removed). */
  raw: string;
  /** Registry host, `docker.io` when none is written. Lower-cased. */
  registry: string;
  /**
   * Repository path without registry, lower-cased. Docker Hub official images drop `library/` and the
   * per-architecture namespaces (`arm64v8/alpine` → `alpine`), since they publish the same image.
   */
  repository: string;
  /** Last path component of the repository (`gcr.io/distroless/static` → `static`). */
  name: string;
  /** Tag as written (case kept), or null when absent (Docker then uses `latest`). */
  tag: string | null;
  digest: string | null;
}

export type ImageFamily =
  | 'debian-like' // Debian, Ubuntu and images built on them: groupadd/useradd from `passwd`
  | 'rhel-like' // RHEL, CentOS, Fedora, Amazon Linux, Oracle Linux, Azure Linux...: groupadd/useradd from shadow-utils
  | 'alpine' // BusyBox userland: addgroup/adduser
  | 'busybox'
  | 'distroless' // no shell, no package manager; ships a `nonroot` account
  | 'chainguard' // Wolfi-based, minimal; ships a `nonroot` account
  | 'scratch' // empty filesystem: no /etc/passwd at all
  | 'windows'
  | 'unknown';

// Docker Hub namespaces that republish official images for one architecture.
const ARCH_NAMESPACES = new Set([
  'amd64', 'arm32v5', 'arm32v6', 'arm32v7', 'arm64v8', 'i386', 'mips64le', 'ppc64le', 'riscv64', 's390x', 'windows-amd64',
]);

/**
 * Parses an image reference; returns null for an empty or obviously unresolved one (`$BASE`). Memoized by the
 * text: a dozen rules parse each FROM's image again (the parses were a fifth of linting a one-line file), and a
 * file names few images. The result is shared: never change it.
 */
export const parseImageRef: (reference: string) => ImageRef | null = memoByKey((reference: string) => reference, readImageRef);

function readImageRef(reference: string): ImageRef | null {
  const raw = reference.trim().replace(/["']/g, '');
  if (!raw || raw.includes('$')) return null;
  let rest = raw;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1) || null;
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    registry = parts.shift()!.toLowerCase();
    if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  }
  if (registry === 'docker.io') {
    if (parts.length > 1 && (parts[0].toLowerCase() === 'library' || ARCH_NAMESPACES.has(parts[0].toLowerCase()))) parts.shift();
  }
  const repository = parts.join('/').toLowerCase();
  if (!repository) return null;
  return { raw, registry, repository, name: parts[parts.length - 1].toLowerCase(), tag, digest };
}

/** `registry/repository` with Docker Hub written without a registry, as people usually write it. */
function fullName(ref: ImageRef): string {
  return ref.registry === 'docker.io' ? ref.repository : `${ref.registry}/${ref.repository}`;
}

/** An entry matches on the full name (`gcr.io/distroless/static`, `node`) and optionally on the tag. */
interface ImageMatcher {
  /** Full-name pattern: `*` matches any run of characters, including `/`. */
  image: string;
  /** Optional test on the tag (null tag = `latest`). */
  tag?: (tag: string) => boolean;
  /** Full-name patterns that the entry does not cover. */
  except?: string[];
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

const globCache = new Map<string, RegExp>();
function globMatch(glob: string, value: string): boolean {
  let re = globCache.get(glob);
  if (!re) globCache.set(glob, (re = globToRegExp(glob)));
  return re.test(value);
}

function matches(ref: ImageRef, m: ImageMatcher): boolean {
  const name = fullName(ref);
  if (!globMatch(m.image, name)) return false;
  if (m.except?.some((e) => globMatch(e, name))) return false;
  return !m.tag || m.tag((ref.tag ?? 'latest').toLowerCase());
}

const WINDOWS_TAG = /(nanoserver|windowsservercore|servercore|ltsc20\d\d|\bwindows\b)/;

// First match wins: specific entries before broad ones.
const FAMILIES: ReadonlyArray<ImageMatcher & { family: ImageFamily }> = [
  { family: 'scratch', image: 'scratch' },
  // Windows: the base images themselves, the old Docker Hub names, and Windows tags of any image
  // (`python:3.12-windowsservercore-ltsc2022`, `mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022`).
  { family: 'windows', image: 'mcr.microsoft.com/windows*' },
  { family: 'windows', image: 'microsoft/windowsservercore' },
  { family: 'windows', image: 'microsoft/nanoserver' },
  { family: 'windows', image: '*', tag: (t) => WINDOWS_TAG.test(t) },
  { family: 'distroless', image: 'gcr.io/distroless/*' },
  { family: 'distroless', image: 'mcr.microsoft.com/azurelinux/distroless/*' },
  { family: 'distroless', image: 'mcr.microsoft.com/cbl-mariner/distroless/*' },
  // .NET "chiseled" (Ubuntu) and "distroless" (Azure Linux) images: no shell either.
  { family: 'distroless', image: 'mcr.microsoft.com/dotnet/*', tag: (t) => /(chiseled|distroless)/.test(t) },
  { family: 'chainguard', image: 'cgr.dev/*' },
  { family: 'alpine', image: 'alpine' },
  { family: 'alpine', image: '*', tag: (t) => t.includes('alpine') },
  { family: 'busybox', image: 'busybox' },
  { family: 'rhel-like', image: '*', tag: (t) => /(ubi\d|azurelinux|cbl-mariner|amazonlinux|al2023|oraclelinux|fedora|rockylinux|almalinux|centos)/.test(t) },
  ...[
    'centos', 'fedora', 'rockylinux', 'rockylinux/rockylinux', 'almalinux', 'oraclelinux', 'amazonlinux', 'photon',
    'amazoncorretto', 'redhat/ubi*', 'registry.access.redhat.com/*', 'registry.redhat.io/*', 'quay.io/centos/*',
    'quay.io/fedora/*', 'public.ecr.aws/amazonlinux/*', 'mcr.microsoft.com/azurelinux/*', 'mcr.microsoft.com/cbl-mariner/*',
    'container-registry.oracle.com/os/*',
  ].map((image) => ({ family: 'rhel-like' as const, image })),
  { family: 'debian-like', image: '*', tag: (t) => /(bookworm|bullseye|buster|stretch|trixie|forky|sid|slim|jammy|noble|focal|bionic|xenial|plucky|questing|ubuntu|debian)/.test(t) },
  ...[
    'debian', 'ubuntu', 'buildpack-deps', 'bitnami/minideb', 'phusion/baseimage',
    // Official language and application images whose default variant is Debian or Ubuntu.
    'node', 'python', 'ruby', 'golang', 'rust', 'php', 'perl', 'openjdk', 'eclipse-temurin', 'ibm-semeru-runtimes',
    'sapmachine', 'maven', 'gradle', 'tomcat', 'jetty', 'haskell', 'erlang', 'elixir', 'gcc', 'swift', 'julia', 'r-base',
    'clojure', 'groovy', 'dart', 'httpd', 'nginx', 'redis', 'postgres', 'mariadb', 'mongo', 'rabbitmq',
    'cassandra', 'neo4j', 'wordpress', 'drupal', 'joomla', 'ghost', 'redmine', 'matomo', 'mediawiki', 'nextcloud',
    'solr', 'flink', 'varnish', 'composer', 'kong', 'mcr.microsoft.com/devcontainers/*', 'mcr.microsoft.com/vscode/devcontainers/*',
    // .NET images are Debian (up to 8.0) or Ubuntu (from 10.0) unless the tag says otherwise.
    'mcr.microsoft.com/dotnet/*',
  ].map((image) => ({ family: 'debian-like' as const, image })),
];

// The tables are scanned with glob patterns; rules ask about the same few images again and again, so each
// answer is kept per reference. The key holds every field that `matches` and `tagStability` read.
const refKey = (ref: ImageRef): string => `${ref.registry}\n${ref.repository}\n${ref.tag ?? '\u0000'}\n${ref.digest ?? '\u0000'}`;

const familyOfRef = memoByKey(refKey, (ref: ImageRef): ImageFamily => FAMILIES.find((f) => matches(ref, f))?.family ?? 'unknown');

/** The distribution family of an image, from its reference only. */
export function imageFamily(reference: string | ImageRef | null): ImageFamily {
  const ref = typeof reference === 'string' ? parseImageRef(reference) : reference;
  if (!ref) return 'unknown';
  return familyOfRef(ref);
}

export function isWindowsImage(reference: string | ImageRef | null): boolean {
  return imageFamily(reference) === 'windows';
}

const isDevTag = (tag: string) => tag === 'dev' || /(^|-)dev($|-)/.test(tag);
const dotnetMajor = (tag: string) => Number(/^(\d+)\./.exec(tag)?.[1] ?? NaN);

/**
 * Images whose configuration already sets a non-root `USER`, so a Dockerfile on top of them needs no
 * USER of its own. `user` is that account, used to switch back after a `USER root`.
 */
const NON_ROOT_IMAGES: ReadonlyArray<ImageMatcher & { user: string; note: string }> = [
  // A `nonroot` tag part (`nonroot`, `debug-nonroot`, `nonroot-amd64`) is the convention for the non-root
  // variant (distroless, Azure Linux and CBL-Mariner distroless, ...).
  { image: '*', tag: (t) => /(^|-)nonroot($|-)/.test(t), user: 'nonroot', note: 'non-root variant tag' },
  { image: 'cgr.dev/*', tag: (t) => !isDevTag(t), except: ['cgr.dev/*/wolfi-base', 'cgr.dev/*/chainguard-base'], user: 'nonroot', note: 'Chainguard images run as nonroot (65532), except -dev tags and the OS bases' },
  { image: 'mcr.microsoft.com/windows/nanoserver', user: 'ContainerUser', note: 'Nano Server runs as ContainerUser' },
  { image: 'mcr.microsoft.com/*', tag: (t) => t.includes('nanoserver'), user: 'ContainerUser', note: 'images built on Nano Server keep ContainerUser' },
  { image: 'mcr.microsoft.com/dotnet/*', tag: (t) => /(chiseled|distroless)/.test(t), user: 'app', note: '.NET chiseled and distroless images run as app (1654)' },
  { image: 'jenkins/jenkins', user: 'jenkins', note: 'runs as jenkins' },
  { image: 'jenkins/agent', user: 'jenkins', note: 'runs as jenkins' },
  { image: 'jenkins/inbound-agent', user: 'jenkins', note: 'runs as jenkins' },
  { image: 'jupyter/*', user: 'jovyan', note: 'Jupyter Docker Stacks run as jovyan (NB_UID)' },
  { image: 'quay.io/jupyter/*', user: 'jovyan', note: 'Jupyter Docker Stacks run as jovyan (NB_UID)' },
  { image: 'bitnami/*', except: ['bitnami/minideb'], user: '1001', note: 'Bitnami images run as 1001' },
  { image: 'nginxinc/nginx-unprivileged', user: 'nginx', note: 'runs as nginx (101)' },
];

/** The non-root account an image already runs as, or null when it runs as root or is not known. */
export function defaultNonRootUser(reference: string | ImageRef | null): string | null {
  const ref = typeof reference === 'string' ? parseImageRef(reference) : reference;
  return ref ? defaultNonRootUserOfRef(ref) : null;
}

const defaultNonRootUserOfRef = memoByKey(refKey, (ref: ImageRef): string | null => {
  // Windows variants of Linux-first images (`jenkins/jenkins:*-windowsservercore-*`) do not inherit their
  // Linux user: there only the Windows account matters.
  const windows = imageFamily(ref) === 'windows';
  return NON_ROOT_IMAGES.find((m) => (!windows || m.user === 'ContainerUser') && matches(ref, m))?.user ?? null;
});

/** True when the image is known to set a non-root USER itself. */
export function runsAsNonRoot(reference: string | ImageRef | null): boolean {
  return defaultNonRootUser(reference) !== null;
}

/**
 * Images that run as root but ship a non-root account meant for the application: switching to it is
 * all that is needed (creating another one could even clash, as `app` does in .NET 8+ images).
 * `USER` values that need no /etc/passwd entry are numeric (`scratch` has no passwd file at all).
 */
const SHIPPED_USERS: ReadonlyArray<ImageMatcher & { user: string }> = [
  { image: 'node', user: 'node' },
  // .NET 8 and later create `app` (APP_UID=1654) in every Linux image.
  { image: 'mcr.microsoft.com/dotnet/*', tag: (t) => t === 'latest' || dotnetMajor(t) >= 8, user: 'app' },
  // Dev container images create the account that `remoteUser` points at.
  { image: 'mcr.microsoft.com/devcontainers/javascript-node', user: 'node' },
  { image: 'mcr.microsoft.com/devcontainers/typescript-node', user: 'node' },
  { image: 'mcr.microsoft.com/vscode/devcontainers/javascript-node', user: 'node' },
  { image: 'mcr.microsoft.com/vscode/devcontainers/typescript-node', user: 'node' },
  { image: 'mcr.microsoft.com/devcontainers/universal', user: 'codespace' },
  { image: 'mcr.microsoft.com/vscode/devcontainers/universal', user: 'codespace' },
  { image: 'mcr.microsoft.com/devcontainers/*', user: 'vscode' },
  { image: 'mcr.microsoft.com/vscode/devcontainers/*', user: 'vscode' },
];

const FAMILY_USERS: Partial<Record<ImageFamily, string>> = {
  distroless: 'nonroot',
  chainguard: 'nonroot',
  // 65532 is the uid distroless uses for nonroot; numeric so it needs no passwd entry.
  scratch: '65532:65532',
  windows: 'ContainerUser',
};

/**
 * A non-root account the image already has, if known: the user it runs as, an account shipped for
 * applications, or the conventional one of its family (distroless `nonroot`, Windows `ContainerUser`).
 */
export function shippedNonRootUser(reference: string | ImageRef | null): string | null {
  const ref = typeof reference === 'string' ? parseImageRef(reference) : reference;
  return ref ? shippedNonRootUserOfRef(ref) : null;
}

const shippedNonRootUserOfRef = memoByKey(refKey, (ref: ImageRef): string | null => {
  const own = defaultNonRootUser(ref);
  if (own) return own;
  if (imageFamily(ref) !== 'windows') {
    const shipped = SHIPPED_USERS.find((m) => matches(ref, m));
    if (shipped) return shipped.user;
  }
  return FAMILY_USERS[imageFamily(ref)] ?? null;
});

// ---------------------------------------------------------------------------------------------------
// Tags: how firmly a tag pins the image (image-tag, image-floating-tag, image-minimal)

/**
 * What a tag promises about the image behind it:
 * - `latest`: no tag or `latest`, the newest of anything.
 * - `alias`: a moving alias (`lts`, `stable`, `edge`, `2019-latest`).
 * - `codename`: a distribution codename that follows every point release (`debian:bookworm`).
 * - `versionless`: a variant without a version (`node:alpine`), which follows the newest release.
 * - `partial`: a version with fewer components than the publisher's releases have (`node:20`, `python:3.12`).
 * - `pinned`: a full version, a date or commit stamp, or a digest.
 * - `unknown`: an image whose versioning is not known here; nothing is claimed.
 */
export type TagStability =
  | { kind: 'latest' }
  | { kind: 'alias'; alias: string }
  | { kind: 'codename'; codename: string }
  | { kind: 'versionless' }
  | { kind: 'partial'; version: string; needed: number }
  | { kind: 'pinned' }
  | { kind: 'unknown' };

/**
 * Words that name a channel rather than a release. Only the first part of a tag counts (`lts-alpine`),
 * except `latest`, which moves wherever it appears (`2019-latest`, `latest-dev`).
 */
const MOVING_ALIASES = new Set([
  'latest', 'lts', 'stable', 'current', 'edge', 'rolling', 'mainline', 'testing', 'unstable', 'sid', 'devel', 'nightly',
  'oldstable', 'oldoldstable', 'experimental', 'canary',
]);

export const DEBIAN_CODENAMES = new Set(['squeeze', 'wheezy', 'jessie', 'stretch', 'buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'duke']);
const UBUNTU_CODENAMES = new Set(['trusty', 'xenial', 'bionic', 'focal', 'jammy', 'noble', 'oracular', 'plucky', 'questing']);

/**
 * How publishers number releases. `parts`: components of a full version (`node` 22.5.1 → 3, `postgres` 16.3 → 2,
 * `debian` 12.6 → 2, Ubuntu's 24.04 → 2). `java`: `8u412`, `21.0.3_9` or `21.0.3` are full, `21` is not.
 * `codenames`: whether a distribution codename tag moves (Debian's follows point releases) or names a
 * release (Ubuntu's `noble` is 24.04). `versionless`: a tag with no version at all (`node:alpine`) is the
 * newest release in disguise; true for Docker official images, whose tags all start with a version otherwise.
 * Images not listed here get no version judgement: a publisher may well use two-part versions.
 */
interface Versioning extends ImageMatcher {
  parts: number;
  java?: boolean;
  codenames?: 'moving' | 'release';
  versionless?: boolean;
}

const official = (parts: number, images: string[]): Versioning[] => images.map((image) => ({ image, parts, versionless: true }));

const VERSIONING: ReadonlyArray<Versioning> = [
  { image: 'debian', parts: 2, codenames: 'moving', versionless: false },
  { image: 'ubuntu', parts: 2, codenames: 'release', versionless: false },
  { image: 'fedora', parts: 1, versionless: false },
  ...['openjdk', 'eclipse-temurin', 'amazoncorretto', 'sapmachine'].map((image) => ({ image, parts: 3, java: true, versionless: true })),
  // Docker official images that release major.minor.patch.
  ...official(3, [
    'node', 'python', 'ruby', 'php', 'perl', 'golang', 'rust', 'alpine', 'busybox', 'nginx', 'httpd', 'redis', 'mysql',
    'mariadb', 'mongo', 'memcached', 'rabbitmq', 'haproxy', 'tomcat', 'jetty', 'elixir', 'caddy', 'haskell', 'julia',
    'swift', 'kong', 'traefik', 'ghost', 'composer', 'docker', 'solr', 'zookeeper', 'cassandra', 'neo4j', 'couchdb',
    'eclipse-mosquitto', 'maven', 'groovy', 'r-base', 'bash', 'varnish', 'influxdb', 'telegraf', 'elasticsearch',
    'kibana', 'logstash', 'nats', 'registry', 'wordpress', 'drupal', 'joomla', 'nextcloud', 'matomo', 'redmine',
    'mediawiki', 'hashicorp/terraform', 'hashicorp/vault', 'hashicorp/consul', 'hashicorp/packer', 'grafana/grafana',
    'prom/prometheus', 'prom/alertmanager', 'prom/node-exporter',
  ]),
  // Releases numbered major.minor (PostgreSQL 10+, Gradle 8.8, GCC 14.2 with no patch releases).
  ...official(2, ['postgres', 'gradle', 'gcc']),
  // .NET: 8.0 is a channel, 8.0.7 a release (SDKs: 8.0.303). .NET Framework images are Windows-only and
  // named after the framework (4.8, 4.8.1 are different frameworks; monthly patches get dated tags).
  { image: 'mcr.microsoft.com/dotnet/*', parts: 3, except: ['mcr.microsoft.com/dotnet/framework/*'] },
  // Dev container images: `1.2.3-bookworm` is a release; `1-bookworm`, `bookworm` and `3.12` are republished.
  { image: 'mcr.microsoft.com/devcontainers/*', parts: 3, versionless: true },
  { image: 'mcr.microsoft.com/vscode/devcontainers/*', parts: 3, versionless: true },
];

const DATE_STAMP = /(^|[-_.])(19|20)\d{2}-?(0\d|1[0-2])-?[0-3]\d([tT_-]?\d{4,6}[zZ]?)?($|[-_.])/;
const COMMIT_STAMP = /^(sha|git|g|commit)?[0-9a-f]{7,40}$/;

/** A date (`bookworm-20240311`, `nightly-2024-07-08`) or a commit (`sha-1a2b3c4`) stamp: an immutable build. */
export function isStampedTag(tag: string): boolean {
  const t = tag.toLowerCase();
  if (DATE_STAMP.test(t)) return true;
  return t.split(/[-_]/).some((part) => COMMIT_STAMP.test(part) && /\d/.test(part) && /[a-f]/.test(part.replace(/^(sha|git|commit)/, '')));
}

function isWindowsBase(ref: ImageRef): boolean {
  const name = fullName(ref);
  return name.startsWith('mcr.microsoft.com/windows') || name === 'microsoft/windowsservercore' || name === 'microsoft/nanoserver';
}

/** How firmly the reference's tag pins the image; see {@link TagStability}. */
export function tagStability(ref: ImageRef): TagStability {
  return tagStabilityOfRef(ref);
}

const tagStabilityOfRef = memoByKey(refKey, (ref: ImageRef): TagStability => {
  if (ref.digest) return { kind: 'pinned' };
  const tag = (ref.tag ?? 'latest').toLowerCase();
  if (tag === 'latest') return { kind: 'latest' };
  if (isStampedTag(tag)) return { kind: 'pinned' };
  const parts = tag.split('-');
  if (MOVING_ALIASES.has(parts[0])) return { kind: 'alias', alias: parts[0] };
  if (parts.includes('latest')) return { kind: 'alias', alias: 'latest' };
  // Windows base images are released as channels (`ltsc2022`) or full builds (`10.0.20348.2582`).
  if (isWindowsBase(ref)) return { kind: 'unknown' };
  const versioning = VERSIONING.find((v) => matches(ref, v));
  if (!versioning) return { kind: 'unknown' };
  const bare = tag.replace(/^v(?=\d)/, '');
  if (versioning.java) {
    if (/^\d+u\d+/.test(bare) || /^\d+\.\d+\.\d+/.test(bare) || /^\d+-ea-\d+/.test(bare)) return { kind: 'pinned' };
  }
  const version = /^\d+(\.\d+)*/.exec(bare)?.[0];
  if (version) {
    const after = bare.charAt(version.length);
    // `1.22rc1`, `3.13.0b3`: a pre-release build, not a channel.
    if (after !== '' && after !== '-' && after !== '_') return { kind: 'pinned' };
    const count = version.split('.').length;
    return count < versioning.parts ? { kind: 'partial', version, needed: versioning.parts } : { kind: 'pinned' };
  }
  if (DEBIAN_CODENAMES.has(parts[0]) || UBUNTU_CODENAMES.has(parts[0])) {
    if (versioning.codenames === 'release') return { kind: 'pinned' };
    if (versioning.codenames === 'moving') return { kind: 'codename', codename: parts[0] };
  }
  return versioning.versionless ? { kind: 'versionless' } : { kind: 'unknown' };
});

/** True when the tag lets the image change under the same reference (anything but pinned or unknown). */
export function isMovingTag(ref: ImageRef): boolean {
  const kind = tagStability(ref).kind;
  return kind !== 'pinned' && kind !== 'unknown';
}

// ---------------------------------------------------------------------------------------------------
// Slimmer variants (image-minimal)

export type SlimReason = 'full-os' | 'jdk' | 'build-tool' | 'sdk';

export interface SlimVariant {
  /** Short label of the variant (`slim`, `alpine`, `jre`, `aspnet`, `runtime`). */
  label: string;
  /** New last component of the repository when it changes (`eclipse-temurin`, `aspnet`); null = same image. */
  name: string | null;
  /** The new tag. */
  tag: string;
  /** The variant's userland is Alpine (musl, apk): no apt or dpkg. */
  alpine: boolean;
}

export interface SlimAdvice {
  reason: SlimReason;
  /** Variants the publisher documents for this tag; empty when the tag cannot be translated (e.g. an SDK build number). */
  variants: SlimVariant[];
}

const CODENAME = '(?:bookworm|bullseye|buster|stretch|trixie)';

const variant = (label: string, tag: string, alpine = false, name: string | null = null): SlimVariant => ({ label, name, tag, alpine });

/**
 * Publisher tag grammars, each giving the smaller variants of a full tag. A tag that does not match a
 * grammar exactly (already slim, a flavour we do not know) gets no advice: unknown means quiet.
 */
const SLIM_TABLE: ReadonlyArray<ImageMatcher & { reason: SlimReason; variants: (tag: string) => SlimVariant[] | null }> = [
  {
    // node: 22, 22.5.1, 22-bookworm, lts-bookworm, bookworm → -slim and -alpine
    image: 'node', reason: 'full-os',
    variants: (tag) => {
      const m = new RegExp(`^(?:(\\d+(?:\\.\\d+)*|lts|current)(?:-(${CODENAME}))?|(${CODENAME}))$`).exec(tag);
      if (!m) return null;
      const version = m[1];
      const codename = m[2] ?? m[3];
      const join = (...parts: Array<string | undefined>) => parts.filter(Boolean).join('-');
      return [variant('slim', join(version, codename, 'slim')), variant('alpine', join(version, 'alpine'), true)];
    },
  },
  ...['python', 'ruby', 'rust'].map((image) => ({
    // python: 3.12, 3.12.2-bookworm → 3.12-slim, 3.12.2-slim-bookworm, 3.12-alpine
    image, reason: 'full-os' as const,
    variants: (tag: string) => {
      const m = new RegExp(`^(\\d+(?:\\.\\d+)*)(?:-(${CODENAME}))?$`).exec(tag);
      if (!m) return null;
      const [, version, codename] = m;
      return [variant('slim', codename ? `${version}-slim-${codename}` : `${version}-slim`), variant('alpine', `${version}-alpine`, true)];
    },
  })),
  {
    // debian: 12, 12.6, bookworm, bookworm-20240311, stable → -slim
    image: 'debian', reason: 'full-os',
    variants: (tag) => {
      if (!new RegExp(`^(\\d+(\\.\\d+)?|(${CODENAME}|stable|oldstable|testing|unstable|sid)(-\\d{8})?)$`).test(tag)) return null;
      return [variant('slim', `${tag}-slim`)];
    },
  },
  {
    // php: 8.3, 8.3-cli, 8.3-fpm, 8.3-zts (Debian) → Alpine builds of the same variant. No Alpine Apache variant.
    image: 'php', reason: 'full-os',
    variants: (tag) => {
      const m = new RegExp(`^(\\d+(?:\\.\\d+)*)(?:-(cli|fpm|zts))?(?:-(${CODENAME}))?$`).exec(tag);
      if (!m) return null;
      const [, version, flavour] = m;
      return [variant('alpine', flavour ? `${version}-${flavour}-alpine` : `${version}-alpine`, true)];
    },
  },
  {
    // golang has no slim variant; Alpine is the smaller one.
    image: 'golang', reason: 'full-os',
    variants: (tag) => {
      const m = new RegExp(`^(\\d+(?:\\.\\d+)*)(?:-(${CODENAME}))?$`).exec(tag);
      return m ? [variant('alpine', `${m[1]}-alpine`, true)] : null;
    },
  },
  {
    // eclipse-temurin: the JDK is the default; a JRE exists for 8, 11, 17 and 21+.
    image: 'eclipse-temurin', reason: 'jdk',
    variants: (tag) => {
      const m = /^((\d+)(?:u\d+-b\d+|\.\d+\.\d+(?:[_+.]\d+)*)?)(?:-jdk)?(?:-(jammy|noble|focal|alpine|ubi9-minimal))?$/.exec(tag);
      if (!m || !hasTemurinJre(Number(m[2]))) return null;
      const [, version, , os] = m;
      return [variant('jre', os ? `${version}-jre-${os}` : `${version}-jre`, os === 'alpine')];
    },
  },
  {
    // openjdk (deprecated image): JRE tags exist only for 8 and 11.
    image: 'openjdk', reason: 'jdk',
    variants: (tag) => {
      const m = /^(8|11)(?:-jdk)?(-slim)?$/.exec(tag);
      if (!m) return null;
      return m[2] ? [variant('jre', `${m[1]}-jre-slim`)] : [variant('jre', `${m[1]}-jre`), variant('jre-slim', `${m[1]}-jre-slim`)];
    },
  },
  {
    // maven:<version>-eclipse-temurin-<java>[-os]: run on that Java's Temurin JRE.
    image: 'maven', reason: 'build-tool',
    variants: (tag) => {
      const m = /^(?:\d+(?:\.\d+)*-)?eclipse-temurin-(\d+)(?:-(jammy|noble|focal|alpine))?$/.exec(tag);
      if (!m || !hasTemurinJre(Number(m[1]))) return null;
      return [variant('jre', m[2] ? `${m[1]}-jre-${m[2]}` : `${m[1]}-jre`, m[2] === 'alpine', 'eclipse-temurin')];
    },
  },
  {
    // gradle:<version>-jdk<java>[-os] is built on Eclipse Temurin.
    image: 'gradle', reason: 'build-tool',
    variants: (tag) => {
      const m = /^(?:\d+(?:\.\d+)*-)?jdk(\d+)(?:-(jammy|noble|focal|alpine))?$/.exec(tag);
      if (!m || !hasTemurinJre(Number(m[1]))) return null;
      return [variant('jre', m[2] ? `${m[1]}-jre-${m[2]}` : `${m[1]}-jre`, m[2] === 'alpine', 'eclipse-temurin')];
    },
  },
  ...['mcr.microsoft.com/dotnet/sdk', 'mcr.microsoft.com/dotnet/core/sdk'].map((image) => ({
    // The SDK is for building; ASP.NET Core and .NET runtime images share its channel tags (8.0, 8.0-alpine...).
    image, reason: 'sdk' as const,
    variants: (tag: string): SlimVariant[] | null => {
      if (/(^|-)(aot|nanoserver|windowsservercore|ltsc\d+)($|-)/.test(tag)) return null;
      const m = /^(\d+\.\d+)((?:\.\d+)*)(-(?:bookworm-slim|bullseye-slim|buster-slim|alpine(?:\d+\.\d+)?|jammy|noble|focal|azurelinux\d+\.\d+|cbl-mariner\d+\.\d+))?$/.exec(tag);
      if (!m) return null;
      // An SDK build number (8.0.303) says nothing about the runtime's patch number.
      if (m[2]) return [];
      const rest = `${m[1]}${m[3] ?? ''}`;
      const alpine = (m[3] ?? '').startsWith('-alpine');
      return [variant('aspnet', rest, alpine, 'aspnet'), variant('runtime', rest, alpine, 'runtime')];
    },
  })),
];

function hasTemurinJre(major: number): boolean {
  return major === 8 || major === 11 || major === 17 || major >= 21;
}

/**
 * Smaller variants the publisher documents for this image, or null when it is not a known full image
 * (already slim, unknown publisher, untagged, Windows...).
 */
export function slimmerVariants(ref: ImageRef): SlimAdvice | null {
  if (!ref.tag || ref.tag.toLowerCase() === 'latest') return null;
  if (imageFamily(ref) === 'windows') return null;
  const tag = ref.tag.toLowerCase();
  for (const entry of SLIM_TABLE) {
    if (!matches(ref, entry)) continue;
    const variants = entry.variants(tag);
    return variants ? { reason: entry.reason, variants } : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Registries (image-registry)

/** Docker Hub's names: they all mean the same registry. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

export function normalizeRegistryHost(host: string): string {
  const h = host.toLowerCase();
  return DOCKER_HUB_HOSTS.has(h) ? 'docker.io' : h;
}

/** The path of a reference inside its registry, as the registry stores it (`node` → `library/node`). */
export function registryPath(ref: ImageRef): string {
  return ref.registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
}

/**
 * A trusted-registry entry: a host (`ghcr.io`, `localhost:5000`), a host with a path prefix (`ghcr.io/myorg`)
 * or a wildcard host (`*.example.com`: any subdomain, not the domain itself). Schemes and trailing slashes are ignored.
 */
export interface RegistryEntry {
  host: string;
  /** Host pattern as a wildcard, null for an exact host. */
  wildcard: RegExp | null;
  /** Path prefix without slashes at either end, '' for the whole registry. */
  path: string;
}

export function parseRegistryEntry(entry: string): RegistryEntry | null {
  const text = entry.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/(?<!\/)\/+$/, '');
  if (!text) return null;
  const slash = text.indexOf('/');
  const host = normalizeRegistryHost(slash < 0 ? text : text.slice(0, slash));
  const path = slash < 0 ? '' : text.slice(slash + 1).replace(/^\/+/, '');
  if (!host) return null;
  const wildcard = host.includes('*') ? new RegExp(`^${host.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`) : null;
  return { host, wildcard, path };
}

/** Host without a port: an entry without a port accepts any port of its host. */
function hostMatches(entry: RegistryEntry, registry: string): boolean {
  const withoutPort = registry.replace(/:\d+$/, '');
  const entryHasPort = /:\d+$/.test(entry.host);
  const candidate = entryHasPort ? registry : withoutPort;
  return entry.wildcard ? entry.wildcard.test(candidate) : entry.host === candidate;
}

/**
 * Whether an image from `registry` at `path` is covered by an entry. `path` may be only a known prefix
 * (`complete` false) when the rest comes from a build argument: the answer is then null if it depends on it.
 */
export function registryEntryMatches(entry: RegistryEntry, registry: string, path: string, complete = true): boolean | null {
  if (!hostMatches(entry, normalizeRegistryHost(registry))) return false;
  if (!entry.path) return true;
  const prefix = `${entry.path}/`;
  if (complete) return `${path}/`.startsWith(prefix);
  if (path.startsWith(prefix)) return true;
  // Incomplete path: undecided while what is known is still a prefix of the entry's path.
  return prefix.startsWith(path) ? null : false;
}

/** `registry/repository`, with Docker Hub images written without a registry (`node`, `bitnami/redis`). */
export function imageFullName(ref: ImageRef): string {
  return fullName(ref);
}

/**
 * The image reference in `text` with the variables that have no known value dropped (`golang:${GO_VERSION}-alpine`
 * still says "golang"); null when nothing useful is left.
 */
export const imageRefWithoutVariables: (text: string) => ImageRef | null = memoByKey((text: string) => text, imageRefWithoutVariablesOnce);

function imageRefWithoutVariablesOnce(text: string): ImageRef | null {
  const partial = withoutVariables(text).replace(/["']/g, '');
  if (!partial || /^[/:.@-]/.test(partial)) return null;
  const ref = parseImageRef(partial);
  return ref && { ...ref, raw: text.replace(/["']/g, '') };
}

/**
 * `text` without `${…}` and `$NAME` references. A loop rather than a regular expression: after an unclosed `${`,
 * the obvious regex scans to the end of the text from every later `${` (quadratic: a 16 KB `${a${a${a…` took
 * 0.3 s).
 */
export function withoutVariables(text: string): string {
  let out = '';
  let from = 0;
  let closed = true; // false once a `${` found no `}` after it: no later one will either
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i + 1)) {
    if (i < from) continue;
    if (text[i + 1] === '{' && closed) {
      const end = text.indexOf('}', i + 2);
      if (end < 0) {
        closed = false;
        continue;
      }
      out += text.slice(from, i);
      from = end + 1;
      i = end;
    } else if (/[A-Za-z_]/.test(text[i + 1] ?? '')) {
      let end = i + 2;
      while (end < text.length && /[A-Za-z0-9_]/.test(text[end])) end++;
      out += text.slice(from, i);
      from = end;
      i = end - 1;
    }
  }
  return out + text.slice(from);
}
