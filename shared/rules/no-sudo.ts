// 3.1.2 Privilegios / 2.1.3 El poder de root: `sudo` in a RUN. Build steps run as the user of the last
// USER instruction (root by default), so sudo is either useless (already root) or the sign of an image in
// which the runtime user can become root again, which is what USER was meant to prevent.
//
// Flagged: every command whose name is `sudo` in a RUN of any stage (`sudo apt-get ...`, `sudo -E ...`,
// `sudo -u app ...`, nested ones in `if` bodies or subshells too). Text that only mentions sudo (`apt-get
// install sudo`, `echo sudo`) is not a use of it.
//
// Fix (quickfix): remove `sudo` and its own options when the RUN is known to run as root (no USER before
// it in the stage or the stages it builds on and a base image known to start as root, or a last USER of
// root/0) and sudo does not change who runs the command (`-u root` at most) or how (`-i`, `-s`, `-D`, ...).
// When the base image is not one we know, the same edit is offered only as a refactor. Under a non-root
// USER there is no fix: removing sudo would break the step, which belongs before the USER switch.
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import { imageFamily, runsAsNonRoot } from '../images';
import type { Rule } from '../rule';
import { basename } from '../shell/commands';
import type { ShellCommand } from '../shell/parser';
import type { Localized, LocalizedFix } from '../types';
import { baseImageOf, classifyUser, familyOf, usersOf, type UserKind } from './user-root';
import { lookupTable } from '../lookupTable';

/** Who runs a RUN: its kind, the USER value that decides (null when the base image does). */
interface RunUser {
  kind: UserKind;
  value: string | null;
  /** True when the base image decides and it is not one whose default user we know. */
  unknownImage: boolean;
}

function unquote(text: string): string {
  return text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0] ? text.slice(1, -1) : text;
}

function userValue(model: DockerfileModel, user: Instruction): string | null {
  const range = user.getArgumentsRange();
  if (!range) return null;
  const raw = model.index.textIn(range).trim();
  if (!raw) return null;
  if (raw.startsWith("'") && raw.endsWith("'")) return unquote(raw);
  return model.expand(unquote(raw), user.getRange().start.line);
}

/** The last of `users` (in document order) that starts before `line`, by binary search. */
function lastUserBefore(users: Instruction[], line: number): Instruction | undefined {
  let low = 0;
  let high = users.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (users[mid].getRange().start.line < line) low = mid + 1;
    else high = mid;
  }
  return users[low - 1];
}

/** The user in effect at `instruction`: the last USER before it in its stage, then in the stages it builds on. */
export function userAt(model: DockerfileModel, stage: Stage, instruction: Instruction): RunUser {
  const windows = familyOf(model, stage) === 'windows';
  const seen = new Set<Stage>();
  const line = instruction.getRange().start.line;
  for (let s: Stage | null = stage; s && !seen.has(s); s = s.parent) {
    seen.add(s);
    const users = usersOf(s);
    const last = s === stage ? lastUserBefore(users, line) : users[users.length - 1];
    if (!last) continue;
    const value = userValue(model, last);
    const written = model.index.textIn(last.getArgumentsRange() ?? last.getInstructionRange()).trim();
    return { kind: value === null ? 'unknown' : classifyUser(value, windows), value: value ?? written, unknownImage: false };
  }
  const image = baseImageOf(model, stage);
  if (runsAsNonRoot(image)) return { kind: 'non-root', value: null, unknownImage: false };
  const known = image !== null && imageFamily(image) !== 'unknown';
  return { kind: known ? 'root' : 'unknown', value: null, unknownImage: !known };
}

interface SudoUse {
  /** Index in `command.args` of the program sudo runs, or -1 when there is none or it cannot be told. */
  program: number;
  /** The user sudo switches to (`-u`), null when none is given, undefined when only known at build time. */
  user: string | null | undefined;
  /** That user as written (`${USERNAME}`). */
  userText: string;
  /** sudo changes more than privileges: group, login shell, directory, background, ... */
  changesContext: boolean;
}

// Short options of sudo that take a value (in the same word or the next one).
const VALUE_LETTERS = 'CDghprRtTuU';
// Options that only adjust how sudo itself behaves: dropping sudo keeps the command as it was.
const HARMLESS_LETTERS = 'EHnPkA';
const HARMLESS_LONG = new Set(['--preserve-env', '--set-home', '--non-interactive', '--preserve-groups', '--reset-timestamp', '--askpass']);
const LONG_WITH_VALUE: Record<string, string> = lookupTable({ '--user': 'u', '--group': 'g', '--chdir': 'D', '--chroot': 'R', '--close-from': 'C', '--host': 'h', '--prompt': 'p', '--role': 'r', '--type': 't', '--command-timeout': 'T', '--other-user': 'U' });

function parseSudo(command: ShellCommand): SudoUse {
  const args = command.args;
  const use: SudoUse = { program: -1, user: null, userText: '', changesContext: false };
  let i = 0;
  const setValue = (letter: string, value: string | null, text = value ?? '') => {
    if (letter === 'u') { use.user = value === null ? undefined : value; use.userText = text; }
    else if (letter !== 'p') use.changesContext = true; // -p (prompt) only changes sudo's own message
  };
  while (i < args.length) {
    const v = args[i].value;
    if (v === null) return { ...use, program: -1 };
    if (v === '--') { i++; break; }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq >= 0 ? v.slice(0, eq) : v;
      const letter = LONG_WITH_VALUE[name];
      if (letter) {
        if (eq >= 0) { setValue(letter, v.slice(eq + 1)); i++; } else { setValue(letter, args[i + 1]?.value ?? null, args[i + 1]?.text); i += 2; }
        continue;
      }
      if (!HARMLESS_LONG.has(name)) use.changesContext = true;
      i++;
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      let consumedNext = false;
      for (let k = 1; k < v.length; k++) {
        const letter = v[k];
        if (VALUE_LETTERS.includes(letter)) {
          // `-h` alone is help; with a value it names a host. Either way it is not a plain privilege switch.
          const rest = v.slice(k + 1);
          if (rest) setValue(letter, rest);
          else { setValue(letter, args[i + 1]?.value ?? null, args[i + 1]?.text); consumedNext = true; }
          break;
        }
        if (!HARMLESS_LETTERS.includes(letter)) use.changesContext = true;
      }
      i += consumedNext ? 2 : 1;
      continue;
    }
    break;
  }
  use.program = i < args.length ? i : -1;
  return use;
}

/** `sudo` or a path to it; the suffix test first spares the copy of every other command's name. */
function isSudo(name: string | null): boolean {
  return name !== null && name.endsWith('sudo') && basename(name) === 'sudo';
}

const isRootName = (user: string) => user === 'root' || /^#?0+$/.test(user);

function removeSudo(model: DockerfileModel, shell: RunShell, command: ShellCommand, use: SudoUse): LocalizedFix['edits'] {
  const start = shell.offset + command.name.start;
  const end = shell.offset + command.args[use.program].start;
  return [{ range: model.rangeOf(start, end), newText: '' }];
}

export const noSudo: Rule = {
  meta: {
    id: 'no-sudo',
    sections: ['3.1.2', '2.1.3'],
    severity: 'warning',
    fixable: true,
    equivalents: { hadolint: ['DL3004'], trivy: ['DS-0010'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Do not use sudo in RUN',
        why: 'Every RUN already executes as the user set by the last USER instruction, root unless you changed it. As root, sudo adds nothing. As another user, it only works if the image ships sudo with rules that let that user become root again, which hands the same power back to anything that later runs or breaks into the container as that user.',
        how: 'Run privileged steps while the stage is still root, before the USER instruction that drops privileges (or inside a short `USER root` … `USER app` block), and leave sudo out of the image. To run a step as another user, put `USER name` before that RUN instead of `sudo -u name`.',
      },
      es: {
        title: 'No uses sudo en RUN',
        why: 'Cada RUN se ejecuta ya con el usuario del último USER, que es root si no lo has cambiado. Siendo root, sudo no aporta nada. Con otro usuario, solo funciona si la imagen incluye sudo con reglas que permiten a ese usuario volver a ser root, y eso devuelve el mismo poder a cualquier proceso que después se ejecute, o se cuele, en el contenedor con ese usuario.',
        how: 'Haz los pasos que necesitan privilegios mientras la etapa sigue siendo root, antes del USER que los retira (o dentro de un bloque corto `USER root` … `USER app`), y no metas sudo en la imagen. Para ejecutar un paso con otro usuario, pon `USER nombre` antes de ese RUN en lugar de `sudo -u nombre`.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const { instruction, shell } of model.runsOf(stage)) {
        let user: RunUser | null = null;
        for (const command of shell.script.commands) {
          if (!isSudo(command.name.value)) continue;
          user ??= userAt(model, stage, instruction);
          const use = parseSudo(command);
          const range = model.commandRange(shell, command.name);
          const otherUser = use.user !== null && (use.user === undefined || !isRootName(use.user));
          let message: Localized;
          let fixes: LocalizedFix[] = [];
          if (otherUser) {
            const who = use.user ?? use.userText;
            message = {
              en: `\`sudo -u ${who}\` switches user inside the build and needs sudo in the image. Put \`USER ${who}\` before this RUN (and switch back after it if needed) instead.`,
              es: `\`sudo -u ${who}\` cambia de usuario dentro de la build y obliga a tener sudo en la imagen. Pon \`USER ${who}\` antes de este RUN (y vuelve al anterior después si hace falta).`,
            };
          } else if (user.kind === 'root' || (user.kind === 'unknown' && user.unknownImage)) {
            const known = user.kind === 'root';
            message = known
              ? {
                en: '`sudo` is not needed: this RUN already runs as root. Remove it and keep sudo out of the image.',
                es: '`sudo` sobra: este RUN ya se ejecuta como root. Quítalo y no incluyas sudo en la imagen.',
              }
              : {
                en: '`sudo` in a RUN: if the base image runs as root it is not needed; if not, do this step before switching to the unprivileged USER instead of relying on sudo.',
                es: '`sudo` en un RUN: si la imagen base se ejecuta como root sobra; si no, haz este paso antes de cambiar al USER sin privilegios en lugar de depender de sudo.',
              };
            if (use.program >= 0 && !use.changesContext) {
              fixes = [{
                title: { en: 'Remove sudo', es: 'Quitar sudo' },
                kind: known ? 'quickfix' : 'refactor',
                edits: removeSudo(model, shell, command, use),
              }];
            }
          } else {
            const who = user.value ?? (user.kind === 'non-root' ? 'a non-root user' : '…');
            const quien = user.value ?? (user.kind === 'non-root' ? 'un usuario sin privilegios' : '…');
            message = {
              en: `This RUN runs as ${user.value ? `USER ${who}` : who}: \`sudo\` only works if that user can become root again. Do the privileged step before switching USER (or in a \`USER root\` block) and leave sudo out of the image.`,
              es: `Este RUN se ejecuta como ${user.value ? `USER ${quien}` : quien}: \`sudo\` solo funciona si ese usuario puede volver a ser root. Haz el paso con privilegios antes de cambiar de USER (o en un bloque \`USER root\`) y no incluyas sudo en la imagen.`,
            };
          }
          report({ range, message, fixes });
        }
      }
    }
  },
};
