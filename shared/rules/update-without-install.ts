// 3.1.3 Inmutabilidad en dependencias: a RUN that only refreshes the package index becomes a cached
// layer of its own. Later RUNs that install are rebuilt on top of that old index, so the refresh and the
// install belong in the same RUN.
//
// Flagged: every index refresh (`apt-get update`, `apk update`, `yum`/`dnf makecache`, `zypper refresh`, in
// every stage, exec form included) unless a later command of the same RUN installs with the same family of
// package manager, or runs code we cannot see into (`bash setup.sh`, `curl ... | sh`, `./install`), which
// commonly installs on its own. `apk add --update` refreshes and installs at once and is not a refresh here.
//
// Fix (quickfix): move the refresh into the next RUN of the same stage that installs with that family,
// as `<refresh> && ` right before the installing command. It is offered only when the move is safe:
// - the refresh is a plain element of a top-level `&&` chain, or a statement of its own separated by `;`
//   (then a failed refresh, which `;` ignored, stops the build once joined with `&&`: that is the point);
//   inside `||`, pipelines, `if`, loops, `&` or newline-separated heredoc lines it stays where it is;
// - nothing between the two (later commands of its own RUN, RUNs in between, the target RUN before the
//   install) reads that index (`apt-cache`, another `apt-get` call, ...) or runs opaque code, every RUN in
//   between can be parsed, and no USER instruction changes who runs the install;
// - the install is itself a plain top-level statement, so `&&` joins only the two of them (when the target
//   RUN already refreshes before it, as after an earlier merge, ours is only removed);
// - the refresh's RUN flags (secrets, network, bind mounts) are also on the target RUN; cache mounts are
//   not needed there;
// - removing it keeps the user's comment lines, or (for an element between two others) one side can go
//   without touching any.
// The refresh leaves its RUN with one adjacent `&&` (or `;`) and the continuation between; when it was all
// the RUN did (besides `set -e` and the like) the whole instruction goes, line breaks included.
import type { Flag, Instruction, Run } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import type { Rule } from '../rule';
import type { ShellCommand } from '../shell/parser';
import { findItem, removeCommands } from '../shell/edits';
import {
  consumesIndex, isIndexRefresh, managerFamily, packageManagerCall, readsIndex, runsOpaqueCode,
  type PackageManagerCall,
} from '../shell/commands';
import type { LocalizedFix } from '../types';

function refreshName(call: PackageManagerCall): string {
  return `${call.tool} ${call.subcommand}`;
}

/** Exec form `RUN ["apt-get", "update"]` read as a command (offsets are meaningless there). */
function execFormCommand(run: Run): ShellCommand | null {
  if (!run.getOpeningBracket?.() || !run.getClosingBracket?.()) return null;
  const strings = run.getJSONStrings();
  if (!strings.length) return null;
  const words = strings.map((s) => ({ text: s.getValue(), value: s.getJSONValue(), start: 0, end: 0 }));
  return { name: words[0], args: words.slice(1), start: 0, end: 0 };
}

/** A later command of the same RUN installs with the same family, or may do so through opaque code. */
function installsLater(shell: RunShell, refresh: ShellCommand, call: PackageManagerCall): boolean {
  const family = managerFamily(call.manager);
  return shell.script.commands.some((c) => {
    if (c.start < refresh.end) return false;
    const other = packageManagerCall(c);
    if (other) return managerFamily(other.manager) === family && consumesIndex(other);
    return runsOpaqueCode(c);
  });
}

// ---------------------------------------------------------------------------------------------------
// The RUN to merge into

interface Target {
  run: Run;
  shell: RunShell;
  /** Document offset where `<refresh> && ` goes, or null when the target refreshes before installing already. */
  insertAt: number | null;
}

function flagText(model: DockerfileModel, flag: Flag): string {
  return model.index.textIn(flag.getRange());
}

function isCacheMount(flag: Flag): boolean {
  return flag.getName().toLowerCase() === 'mount'
    && (flag.getValue() ?? '').split(',').some((o) => o.trim().toLowerCase() === 'type=cache');
}

function findTarget(model: DockerfileModel, stage: Stage, from: Instruction, call: PackageManagerCall): Target | null {
  const family = managerFamily(call.manager);
  const start = stage.instructions.indexOf(from);
  for (const instruction of stage.instructions.slice(start + 1)) {
    const keyword = instruction.getKeyword();
    if (keyword === 'USER') return null; // the install may run as someone else
    if (keyword !== 'RUN') continue;
    const shell = model.shellOf(instruction);
    if (!shell) return null; // exec form or another shell: cannot tell what it does
    let refreshed = false;
    for (const command of shell.script.commands) {
      const other = packageManagerCall(command);
      if (other && managerFamily(other.manager) === family && consumesIndex(other)) {
        if (refreshed) return { run: instruction as Run, shell, insertAt: null };
        if (!findItem(shell, command)) return null;
        return { run: instruction as Run, shell, insertAt: shell.offset + command.start };
      }
      // `apt-get update && apt-get install` already (a refresh merged before): ours is then redundant.
      if (other && managerFamily(other.manager) === family && isIndexRefresh(other) && findItem(shell, command)) {
        refreshed = true;
        continue;
      }
      if (readsIndex(command, call.manager) || runsOpaqueCode(command)) return null;
    }
  }
  return null;
}

/** The refresh's RUN flags must hold on the target too; a cache mount is not needed there. */
function flagsAllow(model: DockerfileModel, source: Run, target: Run): boolean {
  const targetFlags = target.getFlags();
  if (targetFlags.some((f) => f.getName().toLowerCase() === 'network' && f.getValue()?.toLowerCase() === 'none')) return false;
  const present = new Set(targetFlags.map((f) => flagText(model, f).replace(/\s+/g, '')));
  return source.getFlags().every((f) => isCacheMount(f) || present.has(flagText(model, f).replace(/\s+/g, '')));
}

function mergeFix(
  model: DockerfileModel, stage: Stage, instruction: Instruction, shell: RunShell, refresh: ShellCommand, call: PackageManagerCall,
): LocalizedFix[] {
  // Later commands of its own RUN that read the index would lose it.
  if (shell.script.commands.some((c) => c.start >= refresh.end && readsIndex(c, call.manager))) return [];
  const target = findTarget(model, stage, instruction, call);
  if (!target || !flagsAllow(model, instruction as Run, target.run)) return [];
  const removal = removeCommands(model, instruction, shell, [refresh]);
  if (!removal) return [];
  const edits = [...removal];
  if (target.insertAt !== null) {
    const found = findItem(shell, refresh)!;
    const item = shell.script.chains[found.chain][found.index];
    const text = shell.source.slice(item.start, item.end).replace(/\s+/g, ' ').trim();
    edits.push({ range: model.rangeOf(target.insertAt, target.insertAt), newText: `${text} && ` });
  }
  const name = refreshName(call);
  return [{ title: { en: `Merge ${name} into install`, es: `Unir ${name} con la instalación` }, kind: 'quickfix', edits }];
}

export const updateWithoutInstall: Rule = {
  meta: {
    id: 'update-without-install',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: true,
    // hadolint DL3009 is about deleting the apt lists, a different check.
    equivalents: { trivy: ['DS-0017'], checkov: ['CKV_DOCKER_5'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Refresh the package index in the same RUN that installs',
        why: 'Docker caches every RUN as a layer. A RUN that only refreshes the package index is built once and then reused, so an install in a later RUN can run against a stale index: it may fail to find packages or install versions that are no longer current, and the result depends on when the cache was filled.',
        how: 'Chain the refresh and the install in one RUN, e.g. `apt-get update && apt-get install -y ...`, so both are rebuilt together whenever the package list changes.',
      },
      es: {
        title: 'Actualiza el índice de paquetes en el mismo RUN que instala',
        why: 'Docker guarda cada RUN como una capa en caché. Un RUN que solo refresca el índice de paquetes se construye una vez y luego se reutiliza, así que una instalación en un RUN posterior puede usar un índice antiguo: puede no encontrar paquetes o instalar versiones que ya no son las vigentes, y el resultado depende de cuándo se llenó la caché.',
        how: 'Encadena la actualización y la instalación en un único RUN, por ejemplo `apt-get update && apt-get install -y ...`, para que ambas se reconstruyan juntas cada vez que cambie la lista de paquetes.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'RUN') continue;
        const shell = model.shellOf(instruction);
        if (!shell) {
          const command = execFormCommand(instruction as Run);
          const call = command && packageManagerCall(command);
          if (!call || !isIndexRefresh(call)) continue;
          const run = instruction as Run;
          report({
            range: { start: run.getOpeningBracket()!.getRange().start, end: run.getClosingBracket()!.getRange().end },
            message: messageFor(call),
          });
          continue;
        }
        for (const command of shell.script.commands) {
          const call = packageManagerCall(command);
          if (!call || !isIndexRefresh(call) || installsLater(shell, command, call)) continue;
          report({
            range: model.commandRange(shell, command),
            message: messageFor(call),
            fixes: mergeFix(model, stage, instruction, shell, command, call),
          });
        }
      }
    }
  },
};

function messageFor(call: PackageManagerCall): { en: string; es: string } {
  const name = refreshName(call);
  return {
    en: `\`${name}\` runs in a RUN that installs nothing with it: that layer stays cached and later installs can use a stale index. Refresh and install in the same RUN.`,
    es: `\`${name}\` está en un RUN que no instala nada con él: esa capa queda en caché y las instalaciones posteriores pueden usar un índice desactualizado. Actualiza e instala en el mismo RUN.`,
  };
}
