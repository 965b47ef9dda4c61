// What the linter knows about base images without pulling them: which family of distribution an image
// belongs to (it decides which tools exist to create a user), which images already run as a non-root
// user, and which ship a ready-made non-root account. Everything is data: add an entry to a table below
// rather than a special case in a rule. Matching is on the image reference text only, so a table entry
// is a promise about what the publisher ships; keep entries to images whose behaviour is documented.

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

/** Parses an image reference; returns null for an empty or obviously unresolved one (`$BASE`). */
export function parseImageRef(reference: string): ImageRef | null {
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

/** The distribution family of an image, from its reference only. */
export function imageFamily(reference: string | ImageRef | null): ImageFamily {
  const ref = typeof reference === 'string' ? parseImageRef(reference) : reference;
  if (!ref) return 'unknown';
  return FAMILIES.find((f) => matches(ref, f))?.family ?? 'unknown';
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
  if (!ref) return null;
  // Windows variants of Linux-first images (`jenkins/jenkins:*-windowsservercore-*`) do not inherit their
  // Linux user: there only the Windows account matters.
  const windows = imageFamily(ref) === 'windows';
  return NON_ROOT_IMAGES.find((m) => (!windows || m.user === 'ContainerUser') && matches(ref, m))?.user ?? null;
}

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
  if (!ref) return null;
  const own = defaultNonRootUser(ref);
  if (own) return own;
  if (imageFamily(ref) !== 'windows') {
    const shipped = SHIPPED_USERS.find((m) => matches(ref, m));
    if (shipped) return shipped.user;
  }
  return FAMILY_USERS[imageFamily(ref)] ?? null;
}
