// 3.1.3 Inmutabilidad en dependencias / 2.1.5 Parches de seguridad: upgrading every package of the base
// image during the build (`apt-get upgrade`, `apk upgrade`, `dnf update`, ...). The result depends on what
// the mirrors hold on build day, so two builds of the same Dockerfile differ; the guide leaves upgrades to
// the image named in FROM.
//
// Flagged (every stage): `apt-get`/`apt`/`aptitude` `upgrade|dist-upgrade|full-upgrade|safe-upgrade`,
// `apk upgrade`, `yum`/`dnf`/`microdnf`/`tdnf` `update|upgrade|upgrade-minimal|update-minimal|distro-sync`,
// `zypper update|up|dup|dist-upgrade`, through wrappers (sudo, env, ...). Not flagged: the same with
// package names (`apk upgrade openssl`, `dnf update -y curl`: a targeted update of named packages, like an
// install of a newer version), or with names only known at build time (`apt-get upgrade $PKGS`).
//
// Fix (quickfix): remove the command from its `&&` chain (or the whole RUN when it was all it did), with
// the chain's continuations kept tidy. An index refresh that only served the upgrade (`apt-get update &&
// apt-get upgrade -y`) goes with it, so no bare refresh is left behind; when a later RUN relies on that
// refresh (an apt install, or an apk one without --no-cache/-U, that does not refresh first), no fix is
// offered. Nothing is offered either when the upgrade is not a plain chain element (`||`, pipelines,
// `if`, heredoc lines separated by newlines...).
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import type { Rule } from '../rule';
import {
  consumesIndex, hasOption, isIndexRefresh, managerFamily, packageManagerCall, runsOpaqueCode, type PackageManagerCall,
} from '../shell/commands';
import { removeCommands } from '../shell/edits';
import type { ShellCommand, ShellWord } from '../shell/parser';
import type { LocalizedFix, TextEdit } from '../types';

const UPGRADES: Record<PackageManagerCall['manager'], ReadonlySet<string>> = {
  apt: new Set(['upgrade', 'dist-upgrade', 'full-upgrade', 'safe-upgrade']),
  apk: new Set(['upgrade']),
  yum: new Set(['update', 'upgrade', 'upgrade-minimal', 'update-minimal', 'distro-sync', 'distrosync']),
  dnf: new Set(['update', 'upgrade', 'upgrade-minimal', 'update-minimal', 'distro-sync', 'distrosync']),
  zypper: new Set(['update', 'up', 'dup', 'dist-upgrade']),
};

/** The call upgrades every installed package: an upgrade subcommand without package names. */
export function isFullUpgrade(call: PackageManagerCall): boolean {
  if (call.subcommand === null || !UPGRADES[call.manager].has(call.subcommand)) return false;
  return call.operands.length === 0;
}

/** The tool word of a call (`apt-get` in `sudo apt-get upgrade`). */
export function toolWord(call: PackageManagerCall): ShellWord {
  return call.firstArg > 0 ? call.command.args[call.firstArg - 1] : call.command.name;
}

/**
 * What the RUNs of each stage do with a family's index, indexed once per lint (a file can chain thousands
 * of stages and upgrades): for each instruction of a stage, whether the first RUN from it on that touches
 * the index uses it (true), refreshes it (false), or none does (null); and the stages built on each stage.
 */
class IndexUse {
  private readonly children = new Map<Stage, Stage[]>();
  private readonly fromHere = new Map<string, Map<Stage, Array<boolean | null>>>();
  private readonly position = new Map<Instruction, number>();
  private readonly belowUses = new Map<string, Map<Stage, boolean>>();

  constructor(private readonly model: DockerfileModel) {
    for (const stage of model.stages) {
      stage.instructions.forEach((instruction, i) => this.position.set(instruction, i));
      if (stage.parent) {
        const list = this.children.get(stage.parent);
        if (list) list.push(stage);
        else this.children.set(stage.parent, [stage]);
      }
    }
  }

  /** The first RUN from `index` on (in the stage) that uses or refreshes the family's index: true, false, or null. */
  firstUse(stage: Stage, family: string, index: number): boolean | null {
    let byStage = this.fromHere.get(family);
    if (!byStage) this.fromHere.set(family, (byStage = new Map()));
    let decisions = byStage.get(stage);
    if (!decisions) {
      decisions = new Array<boolean | null>(stage.instructions.length + 1).fill(null);
      for (let i = stage.instructions.length - 1; i >= 0; i--) decisions[i] = this.runUse(stage.instructions[i], family) ?? decisions[i + 1];
      byStage.set(stage, decisions);
    }
    return decisions[Math.min(index, stage.instructions.length)];
  }

  /** First use after `instruction` in its stage. */
  firstUseAfter(stage: Stage, family: string, instruction: Instruction): boolean | null {
    return this.firstUse(stage, family, (this.position.get(instruction) ?? -1) + 1);
  }

  /** A stage built on `stage` (directly or not) uses the index before refreshing it. */
  usedBelow(stage: Stage, family: string): boolean {
    let byStage = this.belowUses.get(family);
    if (!byStage) {
      byStage = new Map();
      // A parent is always an earlier stage: from the last stage backwards, children are known first.
      for (let i = this.model.stages.length - 1; i >= 0; i--) {
        const s = this.model.stages[i];
        const children = this.children.get(s) ?? [];
        byStage.set(s, children.some((child) => this.firstUse(child, family, 0) === true || byStage!.get(child) === true));
      }
      this.belowUses.set(family, byStage);
    }
    return byStage.get(stage) ?? false;
  }

  private runUse(run: Instruction, family: string): boolean | null {
    if (run.getKeyword() !== 'RUN') return null;
    const shell = this.model.shellOf(run);
    if (!shell) return true;
    for (const command of shell.script.commands) {
      const other = packageManagerCall(command);
      if (other && managerFamily(other.manager) === family) {
        if (isIndexRefresh(other)) return false;
        if (consumesIndex(other) && needsLocalIndex(other)) return true;
      } else if (runsOpaqueCode(command)) {
        return true;
      }
    }
    return null;
  }
}

const indexUses = new WeakMap<DockerfileModel, IndexUse>();

function indexUseOf(model: DockerfileModel): IndexUse {
  let use = indexUses.get(model);
  if (!use) indexUses.set(model, (use = new IndexUse(model)));
  return use;
}

/**
 * The call reads an index left on disk by an earlier refresh. apt does (its lists); apk does unless told to
 * fetch one (`--no-cache`, `-U`); yum, dnf and zypper download missing metadata by themselves.
 */
function needsLocalIndex(call: PackageManagerCall): boolean {
  if (call.manager === 'apt') return true;
  if (call.manager === 'apk') return !hasOption(call.options, 'U', ['--no-cache', '--update-cache', '--update']);
  return false;
}

/**
 * A later RUN (in this stage or one built on it) uses the family's index before refreshing it, or cannot be
 * read: removing a refresh here could leave it without an index.
 */
function laterRunNeedsIndex(model: DockerfileModel, stage: Stage, instruction: Instruction, call: PackageManagerCall): boolean {
  const family = managerFamily(call.manager);
  const use = indexUseOf(model);
  const own = use.firstUseAfter(stage, family, instruction);
  if (own !== null) return own; // a refresh later in the stage also serves the stages built on it
  return use.usedBelow(stage, family);
}

/**
 * Refreshes of the same family earlier in the RUN that nothing but `upgrade` consumes: once the upgrade
 * is gone they would be bare refreshes (update-without-install), so they go with it.
 */
function refreshesServing(shell: RunShell, upgrade: ShellCommand, call: PackageManagerCall): ShellCommand[] {
  const family = managerFamily(call.manager);
  const served: ShellCommand[] = [];
  for (const command of shell.script.commands) {
    if (command.start >= upgrade.start) break;
    const refresh = packageManagerCall(command);
    if (!refresh || managerFamily(refresh.manager) !== family || !isIndexRefresh(refresh)) continue;
    const usedLater = shell.script.commands.some((c) => {
      if (c === upgrade || c.start < command.end) return false;
      const other = packageManagerCall(c);
      if (other) return managerFamily(other.manager) === family && consumesIndex(other);
      return runsOpaqueCode(c);
    });
    if (!usedLater) served.push(command);
  }
  return served;
}

function removalFix(model: DockerfileModel, stage: Stage, instruction: Instruction, shell: RunShell, command: ShellCommand, call: PackageManagerCall): LocalizedFix[] {
  const refreshes = refreshesServing(shell, command, call);
  if (refreshes.length && laterRunNeedsIndex(model, stage, instruction, call)) return [];
  const edits: TextEdit[] | null = removeCommands(model, instruction, shell, [...refreshes, command]);
  if (!edits) return [];
  const name = `${call.tool} ${call.subcommand}`;
  return [{
    title: refreshes.length
      ? { en: `Remove ${name} (and the index refresh it needed)`, es: `Quitar ${name} (y la actualización del índice que necesitaba)` }
      : { en: `Remove ${name}`, es: `Quitar ${name}` },
    kind: 'quickfix',
    edits,
  }];
}

export const noUpgrade: Rule = {
  meta: {
    id: 'no-upgrade',
    sections: ['3.1.3', '2.1.5'],
    severity: 'warning',
    fixable: true,
    equivalents: { hadolint: ['DL3005'] },
    docs: {
      en: {
        title: 'Do not upgrade all packages during the build',
        why: 'An upgrade step installs whatever versions the mirrors offer on the day of the build, so the same Dockerfile produces different images over time and a broken or unexpected update slips in unnoticed. The base image in FROM is the place where the operating system packages are kept current. There is a trade-off: upgrading does pull in security fixes the base image may still lack, which is why some linters dropped this check (hadolint deprecated DL3005). This project follows the guide and prefers reproducible builds: patches arrive by rebuilding on a newer base image.',
        how: 'Remove the upgrade and pin the base image (a specific tag or a digest). To get security patches, move that pin to a newer release of the base image regularly (a bot such as Renovate or Dependabot can do it) and rebuild. If one package really needs a newer version, name it (`apk upgrade openssl`, `apt-get install --only-upgrade openssl`).',
      },
      es: {
        title: 'No actualices todos los paquetes durante la build',
        why: 'Un paso de upgrade instala las versiones que ofrezcan los repositorios el día de la build, así que el mismo Dockerfile produce imágenes distintas con el tiempo y una actualización rota o inesperada se cuela sin que nadie lo note. El lugar donde se mantienen al día los paquetes del sistema es la imagen base del FROM. Hay un compromiso: actualizar sí trae parches de seguridad que quizá la imagen base aún no tiene, y por eso otros linters retiraron esta comprobación (hadolint marcó DL3005 como obsoleta). Este proyecto sigue la guía y prefiere builds reproducibles: los parches llegan al reconstruir sobre una imagen base más nueva.',
        how: 'Quita el upgrade y fija la imagen base (un tag concreto o un digest). Para recibir parches de seguridad, mueve esa referencia a una versión más reciente de la imagen base con regularidad (un bot como Renovate o Dependabot puede hacerlo) y reconstruye. Si un paquete concreto necesita una versión más nueva, nómbralo (`apk upgrade openssl`, `apt-get install --only-upgrade openssl`).',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const { instruction, shell } of model.runsOf(stage)) {
        for (const command of shell.script.commands) {
          const call = packageManagerCall(command);
          if (!call || !isFullUpgrade(call)) continue;
          const name = `${call.tool} ${call.subcommand}`;
          report({
            range: model.rangeOf(shell.offset + toolWord(call).start, shell.offset + command.end),
            message: {
              en: `\`${name}\` upgrades every package to whatever the mirrors hold at build time, so the image changes from one build to the next. Leave upgrades to the base image: rebuild on a newer pinned FROM to get security patches.`,
              es: `\`${name}\` actualiza todos los paquetes a lo que tengan los repositorios al construir, así que la imagen cambia de una build a otra. Deja las actualizaciones a la imagen base: reconstruye sobre un FROM fijado más reciente para recibir los parches de seguridad.`,
            },
            fixes: removalFix(model, stage, instruction, shell, command, call),
          });
        }
      }
    }
  },
};
