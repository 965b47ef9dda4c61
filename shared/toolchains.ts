// What the multi-stage rules (3.1.6) know about build toolchains: images that are compilers and SDKs
// rather than runtimes, commands whose output is an application, Node.js dependency installs, and the
// signs of an image that is meant to be a development environment. Everything is data, matched on the
// image reference text and on parsed shell words only.
import type { Copy, Flag, Instruction, PropertyInstruction, Run } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from './dockerfile';
import { imageRefWithoutVariables, type ImageRef } from './images';
import { basename, LINE_TERMINATOR, unwrapCommand } from './shell/commands';
import type { ShellCommand, ShellWord } from './shell/parser';
import type { Localized } from './types';

// ---------------------------------------------------------------------------------------------------
// Stages

/** The stage followed by the stages it builds on (`FROM builder`), nearest first. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s && !chain.includes(s); s = s.parent) chain.push(s);
  return chain;
}

/** The final image's stages, from the one built first to the final stage itself. */
export function finalChain(model: DockerfileModel): Stage[] {
  const final = model.finalStage;
  return final ? stageChain(final).reverse() : [];
}

/**
 * The external image a stage ultimately builds on. Variables without a known value are dropped, so that
 * `golang:${GO_VERSION}-alpine` still says "golang"; null when nothing useful is left.
 */
export function rootImageRef(model: DockerfileModel, stage: Stage): ImageRef | null {
  const chain = stageChain(stage);
  const text = model.rootImage(stage) ?? chain[chain.length - 1].from.getImage();
  if (!text) return null;
  return imageRefWithoutVariables(text);
}

/** `registry/repository` with Docker Hub written without a registry. */
function fullName(ref: ImageRef): string {
  return ref.registry === 'docker.io' ? ref.repository : `${ref.registry}/${ref.repository}`;
}

// ---------------------------------------------------------------------------------------------------
// Toolchain images

interface ToolchainImage {
  /** Full name, or a prefix when it ends with `/`. */
  image: string;
  /** Tags that are not the toolchain (runtime-only variants); null tag means `latest`. */
  exceptTag?: RegExp;
  /** What it ships, for messages. */
  what: Localized;
}

const JRE_TAG = /(^|[-.])jre($|[-.])/;

/**
 * Images whose purpose is compiling: they carry a compiler or SDK that the application does not need to
 * run. `node`, `python` and the like are runtimes first, so they are not listed.
 */
export const TOOLCHAIN_IMAGES: readonly ToolchainImage[] = [
  { image: 'golang', what: { en: 'Go', es: 'Go' } },
  { image: 'rust', what: { en: 'Rust', es: 'Rust' } },
  { image: 'rustlang/rust', what: { en: 'Rust', es: 'Rust' } },
  { image: 'maven', what: { en: 'Maven and a JDK', es: 'Maven y un JDK' } },
  { image: 'gradle', what: { en: 'Gradle and a JDK', es: 'Gradle y un JDK' } },
  { image: 'gcc', what: { en: 'GCC', es: 'GCC' } },
  // `-curl` and `-scm` variants are the slim layers without compilers.
  { image: 'buildpack-deps', exceptTag: /(^|-)(curl|scm)$/, what: { en: 'compilers and development headers', es: 'compiladores y cabeceras de desarrollo' } },
  { image: 'openjdk', exceptTag: JRE_TAG, what: { en: 'a JDK', es: 'un JDK' } },
  { image: 'eclipse-temurin', exceptTag: JRE_TAG, what: { en: 'a JDK', es: 'un JDK' } },
  { image: 'amazoncorretto', exceptTag: JRE_TAG, what: { en: 'a JDK', es: 'un JDK' } },
  { image: 'ibm-semeru-runtimes', exceptTag: JRE_TAG, what: { en: 'a JDK', es: 'un JDK' } },
  { image: 'sapmachine', exceptTag: JRE_TAG, what: { en: 'a JDK', es: 'un JDK' } },
  { image: 'mcr.microsoft.com/dotnet/sdk', what: { en: 'the .NET SDK', es: 'el SDK de .NET' } },
  { image: 'mcr.microsoft.com/dotnet/core/sdk', what: { en: 'the .NET SDK', es: 'el SDK de .NET' } },
];

/** The toolchain an image is, or null for runtimes and unknown images. */
export function toolchainOf(ref: ImageRef | null): ToolchainImage | null {
  if (!ref) return null;
  const name = fullName(ref);
  const tag = (ref.tag ?? 'latest').toLowerCase();
  return TOOLCHAIN_IMAGES.find((t) => (t.image.endsWith('/') ? name.startsWith(t.image) : name === t.image)
    && !(t.exceptTag && t.exceptTag.test(tag))) ?? null;
}

// ---------------------------------------------------------------------------------------------------
// Development environments

const DEV_CONTAINER_IMAGES = ['mcr.microsoft.com/devcontainers/', 'mcr.microsoft.com/vscode/devcontainers/'];
// Final stages named for development or testing: what they install is meant to be there.
const DEV_STAGE = /^(dev|devel|develop|development|devcontainer|debug|test|tests|testing|ci|lint)$/;

// The account dev container templates create and the folder of scripts they copy in.
const DEV_CONTAINER_USERS = new Set(['vscode', 'codespace']);
const DEV_CONTAINER_USER_ARGS = new Set(['USERNAME', 'USER_NAME', 'REMOTE_USER']);

/**
 * The final image is a development environment rather than something to ship: it builds on a dev
 * container image, its final stage is named `dev`, `test`, `ci`..., or it follows the dev container
 * template conventions (`ARG USERNAME=vscode`, `USER vscode`, `COPY library-scripts/...`).
 */
export function isDevEnvironment(model: DockerfileModel): boolean {
  const final = model.finalStage;
  if (!final) return false;
  if (final.name && DEV_STAGE.test(final.name)) return true;
  const ref = rootImageRef(model, final);
  if (ref !== null && DEV_CONTAINER_IMAGES.some((p) => fullName(ref).startsWith(p))) return true;
  for (const stage of stageChain(final)) {
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'USER' && DEV_CONTAINER_USERS.has((instruction.getArgumentsContent() ?? '').trim())) return true;
      if (keyword === 'ARG' || keyword === 'ENV') {
        for (const p of (instruction as PropertyInstruction).getProperties()) {
          if (DEV_CONTAINER_USER_ARGS.has(p.getName()) && DEV_CONTAINER_USERS.has(p.getValue() ?? '')) return true;
        }
      }
      if (keyword === 'COPY' && /(^|\s|\/)library-scripts\//.test(instruction.getArgumentsContent() ?? '')) return true;
    }
  }
  return false;
}

/**
 * The final stage only collects files to export (`docker build --output`): `FROM scratch` without CMD or
 * ENTRYPOINT, so the image has no program to run. Other instructions (USER, ENV...) do not change that.
 */
export function isArtifactExport(model: DockerfileModel): boolean {
  const final = model.finalStage;
  if (!final || final.parent || (final.image ?? '').toLowerCase() !== 'scratch') return false;
  return !final.instructions.some((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT');
}

// ---------------------------------------------------------------------------------------------------
// Stage references

const IMAGE_LIKE = /[/:@.]/;

/**
 * The stage a `--from` value names, as Docker reads it: a stage index, or a stage name (case-insensitive);
 * null when it names an image.
 */
export function stageNamed(model: DockerfileModel, value: string): Stage | null {
  if (/^\d+$/.test(value)) return model.stages[Number(value)] ?? null;
  if (IMAGE_LIKE.test(value)) return null;
  const lower = value.toLowerCase();
  return model.stages.find((s) => s.name === lower) ?? null;
}

/** `COPY --from=...` (dockerfile-ast's own getter only sees it when it is the only flag). */
export function copyFromFlag(instruction: Instruction): Flag | null {
  if (instruction.getKeyword() !== 'COPY') return null;
  return (instruction as Copy).getFlags().find((f) => f.getName().toLowerCase() === 'from') ?? null;
}

type FlagOption = ReturnType<Flag['getOptions']>[number];

/** `from=` values of a RUN's `--mount` flags, with the option for its range. */
export function mountFroms(instruction: Instruction): Array<{ value: string; option: FlagOption }> {
  if (instruction.getKeyword() !== 'RUN') return [];
  const out: Array<{ value: string; option: FlagOption }> = [];
  for (const flag of (instruction as Run).getFlags()) {
    if (flag.getName().toLowerCase() !== 'mount') continue;
    for (const option of flag.getOptions()) {
      if (option.getName().toLowerCase() === 'from' && option.getValue()) out.push({ value: option.getValue()!, option });
    }
  }
  return out;
}

/** True when a stage of `stages` copies from (or mounts) another stage of the file. */
export function usesOtherStage(model: DockerfileModel, stages: Stage[]): boolean {
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      const line = instruction.getRange().start.line;
      const values = [copyFromFlag(instruction)?.getValue() ?? null, ...mountFroms(instruction).map((m) => m.value)];
      for (const raw of values) {
        if (raw === null) continue;
        const value = model.expand(raw, line);
        if (value === null) return true; // cannot tell: assume it is a stage
        if (stageNamed(model, value)) return true;
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Commands that build an application

export type BuildTool = 'go' | 'cargo' | 'maven' | 'gradle' | 'js' | 'dotnet';

export interface AppBuild {
  tool: BuildTool;
  /** How the command is shown in messages, e.g. `go build`, `npm run build`. */
  label: string;
  command: ShellCommand;
}

/**
 * Positional words (not starting with `-`). A dynamic word (`$TARGETARCH`) is skipped, unless it comes
 * before any positional word: then the subcommand is unknown and the result is null.
 */
function positional(words: ShellWord[]): string[] | null {
  const out: string[] = [];
  for (const v of words.map((w) => w.value)) {
    if (v === null) {
      if (!out.length) return null;
      continue;
    }
    if (!v.startsWith('-')) out.push(v);
  }
  return out;
}

const MAVEN_GOALS = new Set(['package', 'install', 'verify']);
const GRADLE_TASKS = new Set(['build', 'assemble', 'jar', 'bootjar', 'bootwar', 'war', 'shadowjar', 'installdist', 'buildfatjar', 'distzip', 'disttar']);
const BUILD_SCRIPT = /^(build|compile)([:_-].*)?$/;

/** A script name run through npm/yarn/pnpm/bun (`npm run build` → `build`), or null. */
export function jsScriptRun(command: ShellCommand): { tool: string; script: string } | null {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const tool = basename(unwrapped.name.value);
  if (tool !== 'npm' && tool !== 'yarn' && tool !== 'pnpm' && tool !== 'bun') return null;
  const args = positional(command.args.slice(unwrapped.firstArg));
  if (!args || !args.length) return null;
  if (args[0] === 'run' || args[0] === 'run-script' || (tool === 'npm' && args[0] === 'rum')) {
    return args[1] ? { tool, script: args[1] } : null;
  }
  if (tool === 'npm') {
    return args[0] === 'test' || args[0] === 't' || args[0] === 'tst' ? { tool, script: 'test' } : null;
  }
  // yarn and pnpm run a package.json script given as the first word, when it is not a built-in command.
  if (!JS_BUILTINS.has(args[0])) return { tool, script: args[0] };
  return args[0] === 'test' ? { tool, script: 'test' } : null;
}

const JS_BUILTINS = new Set([
  'install', 'i', 'add', 'remove', 'rm', 'uninstall', 'un', 'upgrade', 'up', 'update', 'outdated', 'info', 'list', 'ls',
  'link', 'unlink', 'init', 'create', 'cache', 'config', 'global', 'set', 'dlx', 'exec', 'x', 'why', 'audit', 'pack',
  'publish', 'login', 'logout', 'version', 'versions', 'workspace', 'workspaces', 'prune', 'fetch', 'store', 'import',
  'rebuild', 'setup', 'env', 'bin', 'root', 'licenses', 'patch', 'patch-commit', 'plugin', 'node', 'help', 'deploy',
  'dedupe', 'check', 'autoclean', 'policies', 'tag', 'team', 'owner', 'generate-lock-entry', 'import', 'constraints',
  'explain', 'npm', 'test', 't', 'start', 'restart', 'stop', 'server',
]);

/** The command builds the application (not a tool, not the toolchain itself). */
export function appBuildOf(command: ShellCommand): AppBuild | null {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const program = basename(unwrapped.name.value);
  const rest = command.args.slice(unwrapped.firstArg);
  const args = positional(rest);
  if (program === null || args === null) return null;
  switch (program) {
    case 'go':
      if (args[0] === 'build') return { tool: 'go', label: 'go build', command };
      // `go install` of the local module (not `tool@version`, which installs a published tool).
      if (args[0] === 'install' && args.slice(1).every((a) => a.startsWith('.'))) return { tool: 'go', label: 'go install', command };
      return null;
    case 'cargo':
      if (args[0] === 'build') return { tool: 'cargo', label: 'cargo build', command };
      if (args[0] === 'install' && rest.some((w) => w.value === '--path' || w.value?.startsWith('--path='))) return { tool: 'cargo', label: 'cargo install --path', command };
      return null;
    case 'mvn': case 'mvnw': {
      const goal = args.find((a) => MAVEN_GOALS.has(a));
      return goal ? { tool: 'maven', label: `mvn ${goal}`, command } : null;
    }
    case 'gradle': case 'gradlew': {
      const task = args.find((a) => GRADLE_TASKS.has(a.slice(a.lastIndexOf(':') + 1).toLowerCase()));
      return task ? { tool: 'gradle', label: `${program} ${task}`, command } : null;
    }
    case 'dotnet':
      return args[0] === 'publish' || args[0] === 'build' ? { tool: 'dotnet', label: `dotnet ${args[0]}`, command } : null;
    default: {
      const run = jsScriptRun(command);
      if (run && BUILD_SCRIPT.test(run.script)) return { tool: 'js', label: `${run.tool} ${run.tool === 'npm' ? 'run ' : ''}${run.script}`, command };
      return null;
    }
  }
}

/**
 * Removes packages (`apk del`, `apt-get purge`, `dnf remove`...) or deletes a toolchain folder: what the
 * official images do to drop their build dependencies in the RUN that used them.
 */
export function removesToolchain(command: ShellCommand): boolean {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return false;
  const program = basename(unwrapped.name.value);
  const args = positional(command.args.slice(unwrapped.firstArg)) ?? [];
  switch (program) {
    case 'apk': return args[0] === 'del';
    case 'apt-get': case 'apt': case 'aptitude': return args[0] === 'purge' || args[0] === 'remove' || args[0] === 'autoremove';
    case 'yum': case 'dnf': case 'microdnf': case 'tdnf': return args[0] === 'remove' || args[0] === 'erase' || args[0] === 'autoremove';
    case 'zypper': return args[0] === 'remove' || args[0] === 'rm';
    case 'rm': return args.some((a) => /(^|\/)(go|\.cargo|\.rustup|rustup|cargo|\.m2|\.gradle|gradle|maven|jdk[^/]*|dotnet|\.dotnet|\.nuget)\/?$/.test(a));
    default: return false;
  }
}

/**
 * `npm prune --production`, `rm -rf node_modules`, and with `installs` also a production reinstall
 * (`yarn install --production` after a build, the Yarn 1 idiom): the JavaScript dev dependencies are dropped.
 */
export function dropsJsDevDependencies(command: ShellCommand, installs = true): boolean {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return false;
  const program = basename(unwrapped.name.value);
  const rest = command.args.slice(unwrapped.firstArg);
  const args = positional(rest) ?? [];
  if (program === 'rm') return args.some((a) => /(^|\/)node_modules\/?$/.test(a));
  if (program === 'npm' && args[0] === 'prune') return rest.some((w) => w.value !== null && isProductionFlag(w.value));
  if (program === 'pnpm' && args[0] === 'prune') return rest.some((w) => w.value === '-P' || (w.value !== null && isProductionFlag(w.value)));
  if (!installs) return false;
  const install = jsInstallOf(command);
  return install !== null && install.mode === 'production';
}

// ---------------------------------------------------------------------------------------------------
// Node.js dependency installs

const PRODUCTION_FLAG = /^(--production(=true)?|--prod|--omit=.*\bdev\b.*|--only=prod(uction)?)$/;
const DEVELOPMENT_FLAG = /^(--production=false|--include=.*\bdev\b.*|--only=dev(elopment)?|--dev|-D)$/;
// Neither matches a word with a line terminator in it; testing that first keeps them linear (`.*\bdev\b.*$` scans
// to the terminator from every `dev` of `--omit=dev dev dev …`).
export const isProductionFlag = (word: string): boolean => !LINE_TERMINATOR.test(word) && PRODUCTION_FLAG.test(word);
export const isDevelopmentFlag = (word: string): boolean => !LINE_TERMINATOR.test(word) && DEVELOPMENT_FLAG.test(word);

const NPM_INSTALL = new Set([
  'install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall',
  'ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean',
]);
// Options that take the next word as their value.
const NPM_VALUE_OPTIONS = new Set([
  '--prefix', '-C', '--cache', '--registry', '--loglevel', '--userconfig', '--globalconfig', '--workspace', '-w', '--omit',
  '--include', '--only', '--location', '--install-strategy', '--fetch-timeout', '--fetch-retries', '--maxsockets', '--tag',
  '--script-shell', '--node-options', '--proxy', '--https-proxy', '--cafile',
]);
const YARN_VALUE_OPTIONS = new Set([
  '--cwd', '--cache-folder', '--modules-folder', '--network-timeout', '--mutex', '--registry', '--network-concurrency',
  '--global-folder', '--link-folder', '--preferred-cache-folder', '--use-yarnrc',
]);
const PNPM_VALUE_OPTIONS = new Set(['-C', '--dir', '--filter', '-F', '--store-dir', '--virtual-store-dir', '--reporter', '--workspace-dir', '--config.store-dir']);
// `yarn --version`, `npm ci --help`: nothing is installed.
const INFO_OPTION = /^(-v|-V|-h|--version|--help|--usage)$/;
// Yarn 2+ ("berry") options: there `--production` does not exist.
const BERRY_OPTIONS = /^--(immutable|immutable-cache|check-cache|inline-builds|mode(=.*)?|refresh-lockfile)$/;

export interface JsInstall {
  tool: 'npm' | 'yarn' | 'pnpm';
  /** The word after which a flag is inserted: the subcommand, or `yarn` itself for a bare `yarn`. */
  word: ShellWord;
  /** `production`: dev dependencies left out; `development`: asked for on purpose; `default`: all installed. */
  mode: 'production' | 'development' | 'default';
  /** Yarn 2+ options seen. */
  berry: boolean;
  /** Option words, resolved. */
  options: string[];
}

/**
 * `npm ci`, `npm install` without packages, `yarn`/`yarn install`, `pnpm install`: installs the project's
 * dependencies from package.json. Installs of named packages, global installs and unparsable commands
 * give null.
 */
export function jsInstallOf(command: ShellCommand): JsInstall | null {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const tool = basename(unwrapped.name.value);
  if (tool !== 'npm' && tool !== 'yarn' && tool !== 'pnpm') return null;
  const valueOptions = tool === 'npm' ? NPM_VALUE_OPTIONS : tool === 'yarn' ? YARN_VALUE_OPTIONS : PNPM_VALUE_OPTIONS;
  const options: string[] = [];
  const operands: ShellWord[] = [];
  const args = command.args;
  for (let i = unwrapped.firstArg; i < args.length; i++) {
    const v = args[i].value;
    if (v === null) return null;
    if (v.startsWith('-') && v.length > 1) {
      if (valueOptions.has(v) && i + 1 < args.length) {
        const next = args[++i].value;
        if (next === null) return null;
        options.push(`${v}=${next}`);
      } else {
        options.push(v);
      }
      continue;
    }
    operands.push(args[i]);
  }
  let word: ShellWord;
  if (tool === 'npm') {
    if (!operands.length || !NPM_INSTALL.has(operands[0].value!) || operands.length > 1) return null;
    word = operands[0];
  } else if (tool === 'yarn') {
    if (operands.length === 0) word = unwrapped.name;
    else if (operands.length === 1 && operands[0].value === 'install') word = operands[0];
    else return null;
  } else {
    if (operands.length !== 1 || (operands[0].value !== 'install' && operands[0].value !== 'i')) return null;
    word = operands[0];
  }
  if (options.some((o) => o === '-g' || o === '--global' || o === '--location=global' || INFO_OPTION.test(o))) return null;
  let mode: JsInstall['mode'] = 'default';
  if (options.some((o) => isProductionFlag(o) || (tool === 'pnpm' && o === '-P'))) mode = 'production';
  else if (options.some((o) => isDevelopmentFlag(o))) mode = 'development';
  return { tool, word, mode, berry: tool === 'yarn' && options.some((o) => BERRY_OPTIONS.test(o)), options };
}

/** Environment variables that make npm/yarn/pnpm leave dev dependencies out (or in, on purpose). */
export const JS_INSTALL_ENV = new Set([
  'NODE_ENV', 'NPM_CONFIG_PRODUCTION', 'npm_config_production', 'NPM_CONFIG_OMIT', 'npm_config_omit',
  'NPM_CONFIG_INCLUDE', 'npm_config_include', 'YARN_PRODUCTION', 'NPM_CONFIG_ONLY', 'npm_config_only',
]);
