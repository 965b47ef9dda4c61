// 3.1.3 Inmutabilidad en dependencias: an install that may stop to ask "Do you want to continue?". A build
// has no one to answer: apt aborts as soon as the install needs anything beyond the named packages, so
// whether the build passes depends on what the mirror's dependency data looks like that day.
//
// Flagged (every stage), on the `install` word:
// - `apt-get install` / `apt install` without `-y`/`--yes`/`--assume-yes` (also in a cluster such as `-qy`),
//   quiet level 2 (`-qq`, `-q -q`, `-q=2`, which implies yes) or `-o APT::Get::Assume-Yes=true`;
//   `DEBIAN_FRONTEND=noninteractive` only silences debconf questions, not this one, so it does not count;
// - `yum`/`dnf`/`tdnf` `install|groupinstall|localinstall|reinstall` without `-y`/`--assumeyes` or
//   `--setopt=assumeyes=1`;
// - `zypper install|in` without the global `-n`/`--non-interactive` (before the subcommand) or the
//   command's own `-y`/`--no-confirm`.
// Not flagged: apk and microdnf (they never ask), an install fed by a pipe (`yes | apt-get install x`),
// and a stage that set the answer in configuration earlier (`APT::Get::Assume-Yes "true"` written to
// apt.conf.d, `assumeyes=1` to yum.conf/dnf.conf, or a COPY of unknown files into /etc/apt/apt.conf.d).
//
// Fix (quickfix): insert ` -y` right after the `install` word; for zypper, ` -n` right after `zypper`.
import type { Rule } from '../rule';
import { hasOption, packageManagerCall, type PackageManagerCall } from '../shell/commands';
import { insertAfterWord } from '../shell/edits';
import type { ShellCommand, ShellWord } from '../shell/parser';
import type { RunShell } from '../dockerfile';
import type { LocalizedFix } from '../types';
import { aptOptionValues, copiesAptConfig, writtenBefore } from './apt-no-recommends';
import { toolWord } from './no-upgrade';

const INSTALLS: Record<PackageManagerCall['manager'], ReadonlySet<string>> = {
  apt: new Set(['install']),
  apk: new Set(),
  yum: new Set(['install', 'groupinstall', 'localinstall', 'reinstall']),
  dnf: new Set(['install', 'groupinstall', 'localinstall', 'reinstall']),
  zypper: new Set(['install', 'in']),
};

const TRUE = /^(true|1|yes|on)$/i;
// (`\s*(?:=\s*|\s+)` would backtrack quadratically through a long run of blanks; this is the same language)
export const APT_ASSUME_YES = /Assume-Yes(?:\s*=\s*|\s+)["']?(?:true|1|yes|on)\b/i;
const RPM_ASSUME_YES = /(?:^|\s)assumeyes\s*=\s*(?:true|1|yes|on)\b/im;

/** apt's quiet level from `-q`, `-qq`, `-q=2`, `--quiet`, `--quiet=2` (clusters stop at value options). */
function aptQuietLevel(options: readonly ShellWord[]): number {
  let level = 0;
  for (const word of options) {
    const v = word.value;
    if (v === null) continue;
    const eq = /^(?:-q|--quiet)=(\d+)$/.exec(v);
    if (eq) { level = Number(eq[1]); continue; }
    if (v === '--quiet') { level++; continue; }
    if (!/^-[A-Za-z]/.test(v) || v.startsWith('--')) continue;
    for (const letter of v.slice(1)) {
      if ('octa'.includes(letter)) break; // the rest is that option's value
      if (letter === 'q') level++;
    }
  }
  return level;
}

function aptAnswersYes(call: PackageManagerCall): boolean {
  if (hasOption(call.options, 'y', ['--yes', '--assume-yes'], 'octa')) return true;
  if (aptQuietLevel(call.options) >= 2) return true;
  return aptOptionValues(call).some((o) => /^APT::Get::Assume-?Yes=/i.test(o) && TRUE.test(o.slice(o.indexOf('=') + 1)));
}

function rpmAnswersYes(call: PackageManagerCall): boolean {
  if (hasOption(call.options, 'y', ['--assumeyes'], 'cdexR')) return true;
  const options = call.options;
  for (let i = 0; i < options.length; i++) {
    const v = options[i].value;
    if (v === null) continue;
    const setting = v === '--setopt' ? options[i + 1]?.value ?? '' : v.startsWith('--setopt=') ? v.slice('--setopt='.length) : null;
    if (setting !== null && /^assumeyes=/i.test(setting) && TRUE.test(setting.slice(setting.indexOf('=') + 1))) return true;
  }
  return false;
}

function zypperAnswersYes(call: PackageManagerCall): boolean {
  const at = call.subcommandWord!.start;
  const global = call.options.filter((w) => w.start < at);
  const own = call.options.filter((w) => w.start > at);
  return hasOption(global, 'n', ['--non-interactive'], 'RrcDCt') || hasOption(own, 'y', ['--no-confirm'], 'rtC');
}

/** The command reads its standard input from a pipe (`yes | apt-get install x`): the answers come from there. */
function fedByPipe(shell: RunShell, command: ShellCommand): boolean {
  const before = shell.source.slice(0, command.start).trimEnd();
  return before.endsWith('|') && !before.endsWith('||');
}

export const aptAssumeYes: Rule = {
  meta: {
    id: 'apt-assume-yes',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: true,
    equivalents: { hadolint: ['DL3014', 'DL3030', 'DL3038', 'DL3034'], trivy: ['DS-0021'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Let package installs proceed without asking',
        why: 'apt, yum, dnf and zypper stop to ask for confirmation whenever an install pulls in more than the named packages. A build cannot answer: the question is read from an empty input and the install aborts. Whether that happens depends on the dependency data the mirror serves that day, so a build that worked can start failing without any change to the Dockerfile.',
        how: 'Answer in advance: `apt-get install -y`, `yum install -y`, `dnf install -y`, `zypper -n install` (or `zypper install -y`). Setting DEBIAN_FRONTEND=noninteractive is not enough: it only silences debconf prompts, not apt\'s own confirmation.',
      },
      es: {
        title: 'Deja que las instalaciones de paquetes sigan sin preguntar',
        why: 'apt, yum, dnf y zypper se detienen a pedir confirmación cuando una instalación arrastra algo más que los paquetes nombrados. Una build no puede responder: la pregunta se lee de una entrada vacía y la instalación se cancela. Que ocurra o no depende de los datos de dependencias que sirva el repositorio ese día, así que una build que funcionaba puede empezar a fallar sin tocar el Dockerfile.',
        how: 'Responde de antemano: `apt-get install -y`, `yum install -y`, `dnf install -y`, `zypper -n install` (o `zypper install -y`). Definir DEBIAN_FRONTEND=noninteractive no basta: solo calla las preguntas de debconf, no la confirmación de apt.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const { instruction, shell } of model.runsOf(stage)) {
        for (const command of shell.script.commands) {
          const call = packageManagerCall(command);
          if (!call || call.subcommand === null || !call.subcommandWord || !INSTALLS[call.manager].has(call.subcommand)) continue;
          if (call.tool === 'microdnf' || call.tool === 'aptitude') continue;
          if (fedByPipe(shell, command)) continue;
          let fix: LocalizedFix;
          let flag: string;
          if (call.manager === 'apt') {
            if (aptAnswersYes(call)) continue;
            if (writtenBefore(model, stage, instruction, shell, command, 'apt-assume-yes', APT_ASSUME_YES)) continue;
            if (copiesAptConfig(model, stage, instruction)) continue;
            flag = '-y';
            fix = { title: { en: 'Add -y', es: 'Añadir -y' }, kind: 'quickfix', edits: [insertAfterWord(model, shell, call.subcommandWord, ' -y')] };
          } else if (call.manager === 'zypper') {
            if (zypperAnswersYes(call)) continue;
            flag = '-n';
            fix = { title: { en: 'Add -n (non-interactive)', es: 'Añadir -n (no interactivo)' }, kind: 'quickfix', edits: [insertAfterWord(model, shell, toolWord(call), ' -n')] };
          } else {
            if (rpmAnswersYes(call)) continue;
            if (writtenBefore(model, stage, instruction, shell, command, 'rpm-assume-yes', RPM_ASSUME_YES)) continue;
            flag = '-y';
            fix = { title: { en: 'Add -y', es: 'Añadir -y' }, kind: 'quickfix', edits: [insertAfterWord(model, shell, call.subcommandWord, ' -y')] };
          }
          const name = `${call.tool} ${call.subcommand}`;
          report({
            range: model.commandRange(shell, call.subcommandWord),
            message: {
              en: `\`${name}\` may stop to ask for confirmation, and a build cannot answer: the install then aborts. Add ${flag} so it proceeds on its own.`,
              es: `\`${name}\` puede detenerse a pedir confirmación y una build no puede responder: la instalación se cancela. Añade ${flag} para que siga sola.`,
            },
            fixes: [fix],
          });
        }
      }
    }
  },
};
