// 3.1.3 Inmutabilidad en dependencias: package managers leave their indexes and downloads behind, and
// whatever a RUN leaves is frozen into its layer, even if a later RUN deletes it. Only the layers of the
// final stage (and of the stages it is built FROM) ship, so only those are checked.
//
// Flagged, once per RUN and kind (on the tool and subcommand of the first install):
// - apt: an install (`apt-get`/`apt install`) in a RUN that refreshes the lists (`apt-get update`), or that
//   runs while an earlier RUN of the chain left them on disk, without removing /var/lib/apt/lists in the
//   same RUN (`rm -rf /var/lib/apt/lists/*`, a parent folder, `apt-get dist-clean`); an install with no
//   lists around (a local .deb in a clean image) is not flagged;
// - apk: each `apk add` without `--no-cache` (or `--no-network`, which fetches nothing), unless the RUN
//   removes /var/cache/apk;
// - pip: each `pip install` (pip, pip3, python -m pip) without `--no-cache-dir`, unless PIP_NO_CACHE_DIR is
//   set (ENV/ARG in scope, or on the command itself), `pip config set global.no-cache-dir` ran before, or
//   the RUN removes the pip cache (`rm -rf /root/.cache`, `rm -rf ~/.cache/pip`, `pip cache purge`);
// - yum/dnf/microdnf/tdnf: an install without `<tool> clean ...` or a removal of /var/cache/yum|dnf in
//   the same RUN.
// Never flagged when a RUN mount (cache, tmpfs, bind) covers the cache folder (/var/cache/apt or
// /var/lib/apt; /var/cache/apk or /etc/apk/cache; any .cache/pip; /var/cache/dnf|yum|libdnf5), or when
// code this analysis cannot see into (`./cleanup.sh`) runs after the install.
//
// Fixes (quickfix): apt: append `&& rm -rf /var/lib/apt/lists/*` to the statement that holds the RUN's last
// apt command, as a new `&&` element in the user's continuation style; yum/dnf: append `&& <tool> clean
// all` the same way; apk: insert ` --no-cache` after `add`; pip: insert ` --no-cache-dir` after `install`.
import type { Flag, Instruction } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import type { Report, Rule } from '../rule';
import {
  hasOption, managerFamily, packageManagerCall, pipCall, readsIndex, removedPaths, removesFolder, runsOpaqueCode,
  type PackageManagerCall,
} from '../shell/commands';
import { appendToChain, insertAfterWord, statementOf } from '../shell/edits';
import type { ShellCommand, ShellWord } from '../shell/parser';
import type { LocalizedFix } from '../types';
import { happenedBefore } from './apt-no-recommends';
import { toolWord } from './no-upgrade';

const APT_CACHE = ['/var/lib/apt', '/var/cache/apt'];
const APK_CACHE = ['/var/cache/apk', '/etc/apk/cache'];
const RPM_CACHE = ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'];
const RPM_INSTALLS = new Set(['install', 'groupinstall', 'localinstall', 'reinstall']);

/** The stage and the stages it is built FROM. */
function chainOf(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s && !chain.includes(s); s = s.parent) chain.push(s);
  return chain;
}

/**
 * Targets of the RUN's cache, tmpfs and bind mounts after expansion (null inside when only known at build
 * time): what is written there stays out of the layer. Secret and SSH mounts hold no cache.
 */
function mountTargets(model: DockerfileModel, instruction: Instruction): Array<string | null> {
  const flags = (instruction as Instruction & { getFlags(): Flag[] }).getFlags();
  const targets: Array<string | null> = [];
  for (const flag of flags) {
    if (flag.getName().toLowerCase() !== 'mount') continue;
    const options = flag.getOptions();
    const type = (options.find((o) => o.getName().toLowerCase() === 'type')?.getValue() ?? 'bind').toLowerCase();
    if (type !== 'cache' && type !== 'tmpfs' && type !== 'bind') continue;
    const option = options.find((o) => ['target', 'dst', 'destination'].includes(o.getName().toLowerCase()));
    const raw = option?.getValue() ?? null;
    targets.push(raw === null ? null : model.expand(raw.replace(/^(["'])(.*)\1$/, '$2'), instruction.getRange().start.line));
  }
  return targets;
}

function mountCovers(targets: Array<string | null>, folders: readonly string[]): boolean {
  return targets.some((t) => {
    if (t === null) return true; // unknown target: it may well be the cache
    // Trailing slashes: /(?<!\/)\/+$/ is linear, /\/+$/ retried from every slash of a long run (quadratic: a hang, see test/fixtures/fuzz-regressions/trailing-slashes.json).
    const target = t.replace(/(?<!\/)\/+$/, '');
    return folders.some((f) => target === f || target.startsWith(`${f}/`) || f.startsWith(`${target}/`));
  });
}

const pipCacheMount = (targets: Array<string | null>) => targets.some((t) => t === null || /(^|\/)\.cache(\/pip)?\/?$/.test(t));

function removes(shell: RunShell, after: number, folders: readonly string[]): boolean {
  return shell.script.commands.some((c) => {
    if (c.start < after) return false;
    const paths = removedPaths(c);
    return paths !== null && paths.some((p) => folders.some((f) => removesFolder(p, f)));
  });
}

/** The RUN removes a pip cache after `after`: any `.cache` or `.cache/pip` folder (`~/.cache/pip`, `/root/.cache`). */
function removesPipCache(shell: RunShell, after: number): boolean {
  return shell.script.commands.some((c) => c.start >= after
    && (removedPaths(c) ?? []).some((p) => /(^|\/)\.cache(\/pip)?(\/\*)?\/?$/.test(p) || /^~\/?$/.test(p)));
}

function opaqueAfter(shell: RunShell, after: number): boolean {
  return shell.script.commands.some((c) => c.start >= after && runsOpaqueCode(c));
}

function callRange(model: DockerfileModel, shell: RunShell, tool: ShellWord, subcommand: ShellWord) {
  return model.rangeOf(shell.offset + tool.start, shell.offset + subcommand.end);
}

/** The statement that holds the RUN's last command matching `matches`: where the cleanup goes. */
function appendAfterLast(model: DockerfileModel, instruction: Instruction, shell: RunShell, matches: (c: ShellCommand) => boolean, cleanup: string): LocalizedFix['edits'] | null {
  // In a script that does not parse (an unterminated quote while typing), appended text could land inside a
  // string: the finding would stay and every fix-all pass would append again.
  if (shell.script.hasErrors) return null;
  const last = [...shell.script.commands].reverse().find(matches);
  if (!last) return null;
  const statement = statementOf(shell, last);
  if (statement < 0) return null;
  const edit = appendToChain(model, instruction, shell, statement, cleanup);
  return edit ? [edit] : null;
}

// ---------------------------------------------------------------------------------------------------
// Per package manager

function aptCalls(shell: RunShell): PackageManagerCall[] {
  return shell.script.commands.map((c) => packageManagerCall(c)).filter((c): c is PackageManagerCall => c !== null && c.manager === 'apt');
}

/** The lists removed after `start` in the RUN: `rm` of the folder, or `apt-get dist-clean` (apt 2.7+). */
function removesLists(shell: RunShell, start: number): boolean {
  return removes(shell, start, ['/var/lib/apt/lists'])
    || aptCalls(shell).some((c) => c.subcommand === 'dist-clean' && c.command.start >= start);
}

/** Whether apt lists are on disk after this RUN, given whether they were before it. */
function listsAfter(shell: RunShell, mounts: Array<string | null>, before: boolean): boolean {
  if (mountCovers(mounts, APT_CACHE)) return before; // written into the mount, not the layer
  let present = before;
  for (const command of shell.script.commands) {
    const call = packageManagerCall(command);
    if (call?.manager === 'apt' && call.subcommand === 'update') present = true;
    else if (call?.manager === 'apt' && call.subcommand === 'dist-clean') present = false;
    else if (removedPaths(command)?.some((p) => removesFolder(p, '/var/lib/apt/lists'))) present = false;
  }
  return present;
}

/**
 * `listsBefore`: an earlier RUN of the stage chain left apt lists on disk. An install RUN that refreshes,
 * or runs while such lists are there, should remove them before its layer is frozen.
 */
function checkApt(model: DockerfileModel, instruction: Instruction, shell: RunShell, mounts: Array<string | null>, listsBefore: boolean, report: (r: Report) => void): void {
  const calls = aptCalls(shell);
  const install = calls.find((c) => c.subcommand === 'install' && c.subcommandWord);
  if (!install) return;
  const refreshes = calls.some((c) => c.subcommand === 'update');
  if (!refreshes && !listsBefore) return;
  if (mountCovers(mounts, APT_CACHE)) return;
  const start = install.command.start;
  if (removesLists(shell, start) || opaqueAfter(shell, start)) return;
  const cleanup = 'rm -rf /var/lib/apt/lists/*';
  const edits = appendAfterLast(model, instruction, shell, (c) => readsIndex(c, 'apt'), cleanup);
  report({
    range: callRange(model, shell, toolWord(install), install.subcommandWord!),
    message: refreshes
      ? {
        en: 'This RUN downloads the apt package lists and leaves them in the layer (tens of MB that the image does not need). Remove them in the same RUN: `rm -rf /var/lib/apt/lists/*`.',
        es: 'Este RUN descarga las listas de paquetes de apt y las deja en la capa (decenas de MB que la imagen no necesita). Bórralas en el mismo RUN: `rm -rf /var/lib/apt/lists/*`.',
      }
      : {
        en: 'This RUN installs with apt lists that an earlier RUN downloaded and kept, and leaves them in the image. Refresh and install in one RUN, then remove them in it: `rm -rf /var/lib/apt/lists/*`.',
        es: 'Este RUN instala con listas de apt que descargó y conservó un RUN anterior, y las deja en la imagen. Actualiza e instala en un mismo RUN y bórralas en él: `rm -rf /var/lib/apt/lists/*`.',
      },
    fixes: edits ? [{ title: { en: 'Remove the apt lists in this RUN', es: 'Borrar las listas de apt en este RUN' }, kind: 'quickfix', edits }] : [],
  });
}

function checkApk(model: DockerfileModel, shell: RunShell, mounts: Array<string | null>, report: (r: Report) => void): void {
  if (mountCovers(mounts, APK_CACHE)) return;
  for (const command of shell.script.commands) {
    const call = packageManagerCall(command);
    if (!call || call.manager !== 'apk' || call.subcommand !== 'add' || !call.subcommandWord) continue;
    // --no-network installs from what is already on disk: nothing new is fetched or cached.
    if (hasOption(call.options, null, ['--no-cache', '--no-network'])) continue;
    if (removes(shell, command.start, ['/var/cache/apk']) || opaqueAfter(shell, command.start)) continue;
    report({
      range: callRange(model, shell, toolWord(call), call.subcommandWord),
      message: {
        en: '`apk add` without --no-cache keeps the package index in /var/cache/apk inside the layer. Add --no-cache.',
        es: '`apk add` sin --no-cache deja el índice de paquetes en /var/cache/apk dentro de la capa. Añade --no-cache.',
      },
      fixes: [{ title: { en: 'Add --no-cache', es: 'Añadir --no-cache' }, kind: 'quickfix', edits: [insertAfterWord(model, shell, call.subcommandWord, ' --no-cache')] }],
    });
  }
}

/** PIP_NO_CACHE_DIR set by ENV or ARG before the RUN, in the stage or the ones it builds on. */
function pipCacheDisabledByEnv(model: DockerfileModel, stage: Stage, instruction: Instruction): boolean {
  return happenedBefore(model, stage, instruction, 'pip-no-cache-env', (i) => {
    const keyword = i.getKeyword();
    if (keyword === 'ENV') return (i as Instruction & { getProperties(): Array<{ getName(): string }> }).getProperties().some((p) => p.getName() === 'PIP_NO_CACHE_DIR');
    if (keyword === 'ARG') return (i as Instruction & { getProperty(): { getName(): string } | null }).getProperty()?.getName() === 'PIP_NO_CACHE_DIR';
    return false;
  });
}

const setsNoCacheDir = (c: ShellCommand): boolean => {
  const pip = pipCall(c);
  return pip !== null && pip.subcommand === 'config' && pip.operands.some((w) => w.value !== null && /no[-_]cache[-_]dir/i.test(w.value));
};

/** `pip config set global.no-cache-dir ...` in an earlier RUN of the stage chain or earlier in this one. */
function pipConfigured(model: DockerfileModel, stage: Stage, instruction: Instruction, shell: RunShell, before: number): boolean {
  if (shell.script.commands.some((c) => c.end <= before && setsNoCacheDir(c))) return true;
  return happenedBefore(model, stage, instruction, 'pip-config-no-cache', (i) => i.getKeyword() === 'RUN'
    && (model.shellOf(i)?.script.commands.some(setsNoCacheDir) ?? false));
}

function checkPip(model: DockerfileModel, stage: Stage, instruction: Instruction, shell: RunShell, mounts: Array<string | null>, report: (r: Report) => void): void {
  if (pipCacheMount(mounts)) return;
  for (const command of shell.script.commands) {
    const call = pipCall(command);
    if (!call || call.subcommand !== 'install' || !call.subcommandWord) continue;
    if (hasOption(call.options, null, ['--no-cache-dir'])) continue;
    // `PIP_NO_CACHE_DIR=1 pip install ...`: assignments written before the command name.
    if (/\bPIP_NO_CACHE_DIR=/.test(shell.source.slice(command.start, command.name.start))) continue;
    if (pipCacheDisabledByEnv(model, stage, instruction) || pipConfigured(model, stage, instruction, shell, command.start)) continue;
    if (removesPipCache(shell, command.start) || opaqueAfter(shell, command.start)) continue;
    if (shell.script.commands.some((c) => c.start >= command.end && pipCall(c)?.subcommand === 'cache')) continue;
    report({
      range: callRange(model, shell, call.toolWord, call.subcommandWord),
      message: {
        en: '`pip install` without --no-cache-dir keeps every downloaded wheel in ~/.cache/pip inside the layer. Add --no-cache-dir.',
        es: '`pip install` sin --no-cache-dir deja cada paquete descargado en ~/.cache/pip dentro de la capa. Añade --no-cache-dir.',
      },
      fixes: [{ title: { en: 'Add --no-cache-dir', es: 'Añadir --no-cache-dir' }, kind: 'quickfix', edits: [insertAfterWord(model, shell, call.subcommandWord, ' --no-cache-dir')] }],
    });
  }
}

function checkRpm(model: DockerfileModel, instruction: Instruction, shell: RunShell, mounts: Array<string | null>, report: (r: Report) => void): void {
  const calls = shell.script.commands.map((c) => packageManagerCall(c)).filter((c): c is PackageManagerCall => c !== null && managerFamily(c.manager) === 'rpm');
  const install = calls.find((c) => c.subcommand !== null && RPM_INSTALLS.has(c.subcommand) && c.subcommandWord);
  if (!install) return;
  const start = install.command.start;
  if (calls.some((c) => c.subcommand === 'clean' && c.command.start > start)) return;
  if (mountCovers(mounts, RPM_CACHE)) return;
  if (removes(shell, start, RPM_CACHE) || opaqueAfter(shell, start)) return;
  const last = [...calls].reverse()[0];
  const cleanup = `${last.tool} clean all`;
  const edits = appendAfterLast(model, instruction, shell, (c) => c === last.command, cleanup);
  report({
    range: callRange(model, shell, toolWord(install), install.subcommandWord!),
    message: {
      en: `\`${install.tool} ${install.subcommand}\` leaves its metadata and package cache in the layer. Clean it in the same RUN: \`${cleanup}\`.`,
      es: `\`${install.tool} ${install.subcommand}\` deja sus metadatos y la caché de paquetes en la capa. Límpiala en el mismo RUN: \`${cleanup}\`.`,
    },
    fixes: edits ? [{ title: { en: `Add ${cleanup}`, es: `Añadir ${cleanup}` }, kind: 'quickfix', edits }] : [],
  });
}

export const packageCache: Rule = {
  meta: {
    id: 'package-cache',
    sections: ['3.1.3'],
    severity: 'info',
    fixable: true,
    equivalents: { hadolint: ['DL3009', 'DL3019', 'DL3042', 'DL3032', 'DL3040'] },
    docs: {
      en: {
        title: 'Clean package manager caches in the same RUN',
        why: 'apt, apk, pip, yum and dnf keep indexes and downloaded packages on disk after installing. Each RUN is frozen as a layer, so whatever it leaves behind ships with the image even if a later RUN deletes it: more megabytes to pull and store, and stale index data that says nothing about what is really installed. Only the final stage (and the stages it is built FROM) end up in the image, so build stages are not checked.',
        how: 'Clean up in the same RUN that installs: `apt-get update && apt-get install -y ... && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache ...`, `pip install --no-cache-dir ...`, `dnf install -y ... && dnf clean all`. With BuildKit you can instead mount the cache folder with `RUN --mount=type=cache,target=...`, which keeps it out of the image.',
      },
      es: {
        title: 'Limpia la caché del gestor de paquetes en el mismo RUN',
        why: 'apt, apk, pip, yum y dnf guardan en disco índices y paquetes descargados después de instalar. Cada RUN se congela como una capa, así que lo que deja atrás viaja con la imagen aunque un RUN posterior lo borre: más megas que descargar y almacenar, y datos de índice viejos que no dicen nada de lo que hay instalado. Solo la etapa final (y las etapas sobre las que se construye) acaban en la imagen, así que las etapas de compilación no se revisan.',
        how: 'Limpia en el mismo RUN que instala: `apt-get update && apt-get install -y ... && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache ...`, `pip install --no-cache-dir ...`, `dnf install -y ... && dnf clean all`. Con BuildKit también puedes montar la carpeta de caché con `RUN --mount=type=cache,target=...`, que la deja fuera de la imagen.',
      },
    },
  },
  check({ model, report }) {
    const final = model.finalStage;
    if (!final) return;
    let lists = false; // apt lists left on disk by the RUNs so far
    for (const stage of chainOf(final).reverse()) {
      for (const { instruction, shell } of model.runsOf(stage)) {
        const mounts = mountTargets(model, instruction);
        checkApt(model, instruction, shell, mounts, lists, report);
        lists = listsAfter(shell, mounts, lists);
        checkApk(model, shell, mounts, report);
        checkPip(model, stage, instruction, shell, mounts, report);
        checkRpm(model, instruction, shell, mounts, report);
      }
    }
  },
};
