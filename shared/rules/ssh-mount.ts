// 3.1.8 Buildkit (SSH): a RUN that talks SSH (git over ssh, ssh, scp, sftp, rsync to a remote host) needs
// a private key. Copied into the image or passed as a build argument, that key stays in a layer or in the
// image history; `RUN --mount=type=ssh` forwards the builder's SSH agent for that one step instead.
//
// Flagged (one finding per RUN, on its first such command; exec form too): `git clone/fetch/pull/push/
// ls-remote/archive/submodule add` with an ssh URL (`git@host:path`, `ssh://`, `git+ssh://`), `ssh`/`sftp`
// with a destination, `scp` and `rsync` with a `host:path` operand, and pip/npm/yarn/pnpm/uv/poetry
// installs of `git+ssh://` or `git@host:` URLs. Not flagged: RUNs that already have `--mount=type=ssh` or
// mount something at a `.ssh` path (a key given as a secret or bind mount), https URLs, URLs only known at
// build time, `ssh-keyscan`/`ssh-keygen`, local rsync.
// Fix (quickfix): add `--mount=type=ssh` after RUN, and `# syntax=docker/dockerfile:1` when missing.
import type { Instruction, Run } from 'dockerfile-ast';
import { runMountEdit, runMounts, syntaxDirectiveEdit } from '../buildkit';
import type { DockerfileModel } from '../dockerfile';
import type { Rule } from '../rule';
import { basename, unwrapCommand } from '../shell/commands';
import type { ShellCommand, ShellWord } from '../shell/parser';
import type { Localized, Range, TextEdit } from '../types';

const SSH_SCHEME = /^(?:ssh|git\+ssh|ssh\+git):\/\//i;
// `git@github.com:org/repo.git`: scp-like syntax, which git and the installers read as SSH.
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9][A-Za-z0-9.-]*:(?!\/\/)/;
// scp/rsync operands: `[user@]host:path` (`host::module` is the rsync daemon, not SSH).
const REMOTE_OPERAND = /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9][A-Za-z0-9.-]*:(?!:|\/\/)/;

const GIT_SUBCOMMANDS = new Set(['clone', 'fetch', 'pull', 'push', 'ls-remote', 'archive', 'submodule']);
// git's global options that take the next word as value.
const GIT_GLOBAL_VALUES = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--super-prefix']);
const SSH_VALUES = new Set(['-b', '-B', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-P', '-Q', '-R', '-S', '-W', '-w', '-X']);
const INSTALLERS = new Set(['pip', 'pip3', 'npm', 'yarn', 'pnpm', 'uv', 'poetry']);

interface Context {
  model: DockerfileModel;
  line: number;
}

/** A word's text when static, else its ARG/ENV expansion, else null. */
function wordText(word: ShellWord, ctx: Context): string | null {
  if (word.value !== null) return word.value;
  const text = word.text;
  if (text.startsWith("'")) return null;
  const unquoted = text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
  let current: string | null = unquoted;
  // An ENV value may itself refer to an ARG: expand until nothing changes.
  for (let round = 0; round < 5 && current !== null && current.includes('$'); round++) {
    const next: string | null = ctx.model.expand(current, ctx.line);
    if (next === current) break;
    current = next;
  }
  return current;
}

function isSshUrl(value: string): boolean {
  return SSH_SCHEME.test(value) || SCP_LIKE.test(value);
}

function gitNeedsSsh(command: ShellCommand, first: number, ctx: Context): boolean {
  const args = command.args;
  let i = first;
  // Global options before the subcommand.
  while (i < args.length) {
    const v = args[i].value;
    if (v === null || !v.startsWith('-')) break;
    i += GIT_GLOBAL_VALUES.has(v) ? 2 : 1;
  }
  const sub = args[i]?.value;
  if (!sub || !GIT_SUBCOMMANDS.has(sub)) return false;
  return args.slice(i + 1).some((word) => {
    const v = wordText(word, ctx);
    if (v === null) return false;
    const url = v.replace(/^--(?:remote|url)=/, '');
    return isSshUrl(url);
  });
}

/** The first operand of ssh/sftp after its options: the destination. */
function sshHasDestination(command: ShellCommand, first: number): boolean {
  const args = command.args;
  for (let i = first; i < args.length; i++) {
    const v = args[i].value;
    if (v === null) return true; // a destination known at build time is still one
    if (v === '--') return i + 1 < args.length;
    if (v.startsWith('-') && v.length > 1) {
      // `-p22` carries its value; `-p 22` takes the next word.
      if (v.length === 2 && SSH_VALUES.has(v)) i++;
      continue;
    }
    return true;
  }
  return false;
}

function hasRemoteOperand(command: ShellCommand, first: number, ctx: Context): boolean {
  return command.args.slice(first).some((word) => {
    const v = wordText(word, ctx);
    if (v === null || v.startsWith('-') || v.startsWith('/') || v.startsWith('.')) return false;
    return REMOTE_OPERAND.test(v) || SSH_SCHEME.test(v) || /^scp:\/\//i.test(v);
  });
}

/** What makes the command need an SSH key, for the message; null when it does not. */
export function sshUse(command: ShellCommand, model: DockerfileModel, line: number): Localized | null {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const program = basename(unwrapped.name.value);
  if (!program) return null;
  const ctx: Context = { model, line };
  const first = unwrapped.firstArg;
  switch (program) {
    case 'git':
      return gitNeedsSsh(command, first, ctx) ? { en: 'git over SSH', es: 'git por SSH' } : null;
    case 'ssh':
    case 'sftp':
      return sshHasDestination(command, first) ? { en: program, es: program } : null;
    case 'scp':
    case 'rsync':
      return hasRemoteOperand(command, first, ctx) ? { en: `${program} to a remote host`, es: `${program} con un host remoto` } : null;
    default:
      if (!INSTALLERS.has(program)) return null;
      return command.args.slice(first).some((word) => {
        const v = wordText(word, ctx);
        return v !== null && isSshUrl(v);
      }) ? { en: `${program} with an SSH URL`, es: `${program} con una URL SSH` } : null;
  }
}

/** A key is already provided by a mount: `type=ssh`, or a secret/bind mount placed under `.ssh`. */
function providesKey(run: Instruction): boolean {
  return runMounts(run).some((m) => {
    const type = m.get('type')?.toLowerCase();
    if (type === 'ssh') return true;
    const target = m.get('target') ?? m.get('dst') ?? m.get('destination') ?? '';
    return (type === 'secret' || type === 'bind') && /(^|\/)\.ssh(\/|$)/.test(target);
  });
}

function execFormCommand(run: Run): ShellCommand | null {
  if (!run.getOpeningBracket?.() || !run.getClosingBracket?.()) return null;
  const strings = run.getJSONStrings();
  if (!strings.length) return null;
  const words = strings.map((s) => ({ text: s.getValue(), value: s.getJSONValue(), start: 0, end: 0 }));
  return { name: words[0], args: words.slice(1), start: 0, end: 0 };
}

/** The fix edits for a RUN: the mount flag, and the syntax directive when the file has none. */
export function sshMountEdits(model: DockerfileModel, run: Instruction): TextEdit[] {
  const directive = syntaxDirectiveEdit(model);
  return directive ? [directive, runMountEdit(run, 'type=ssh')] : [runMountEdit(run, 'type=ssh')];
}

export const sshMount: Rule = {
  meta: {
    id: 'ssh-mount',
    sections: ['3.1.8'],
    severity: 'warning',
    fixable: true,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Use an SSH mount for SSH access during the build',
        why: 'Cloning a private repository or copying files over SSH needs a private key. Copied into the image, passed as a build argument or written by a RUN, that key ends up in a layer or in the image history, where anyone who can pull the image can read it, and removing it in a later step does not take it out of the earlier layer. BuildKit can instead lend the build the SSH agent of the machine that runs it, for one RUN only, without writing the key anywhere.',
        how: 'Add `--mount=type=ssh` to the RUN (e.g. `RUN --mount=type=ssh git clone git@github.com:org/repo.git`), make the host key known (`ssh-keyscan github.com >> ~/.ssh/known_hosts`) and build with `docker build --ssh default .`. Remove any COPY of key files or SSH_KEY build arguments.',
      },
      es: {
        title: 'Usa un montaje SSH para acceder por SSH durante la build',
        why: 'Clonar un repositorio privado o copiar ficheros por SSH requiere una clave privada. Si se copia a la imagen, se pasa como argumento de build o la escribe un RUN, la clave acaba en una capa o en el historial de la imagen, donde cualquiera que pueda descargarla puede leerla, y borrarla en un paso posterior no la quita de la capa anterior. BuildKit puede prestar a la build el agente SSH de la máquina que la ejecuta, solo durante un RUN y sin escribir la clave en ningún sitio.',
        how: 'Añade `--mount=type=ssh` al RUN (p. ej. `RUN --mount=type=ssh git clone git@github.com:org/repo.git`), registra la clave del host (`ssh-keyscan github.com >> ~/.ssh/known_hosts`) y construye con `docker build --ssh default .`. Elimina cualquier COPY de ficheros de claves o argumentos de build tipo SSH_KEY.',
      },
    },
  },
  check({ model, report }) {
    for (const instruction of model.instructions) {
      if (instruction.getKeyword() !== 'RUN' || providesKey(instruction)) continue;
      const line = instruction.getRange().start.line;
      let range: Range | null = null;
      let use: Localized | null = null;
      const shell = model.shellOf(instruction);
      if (shell) {
        for (const command of shell.script.commands) {
          use = sshUse(command, model, line);
          if (use) { range = model.commandRange(shell, command); break; }
        }
      } else {
        const run = instruction as Run;
        const command = execFormCommand(run);
        use = command && sshUse(command, model, line);
        if (use) range = { start: run.getOpeningBracket()!.getRange().start, end: run.getClosingBracket()!.getRange().end };
      }
      if (!range || !use) continue;
      report({
        range,
        message: {
          en: `This RUN uses ${use.en} without \`--mount=type=ssh\`: the key it needs would have to be stored in the image. Forward the SSH agent with \`RUN --mount=type=ssh\` and build with \`--ssh default\`.`,
          es: `Este RUN usa ${use.es} sin \`--mount=type=ssh\`: la clave que necesita tendría que guardarse en la imagen. Reenvía el agente SSH con \`RUN --mount=type=ssh\` y construye con \`--ssh default\`.`,
        },
        fixes: [{
          title: { en: 'Add --mount=type=ssh to this RUN', es: 'Añadir --mount=type=ssh a este RUN' },
          kind: 'quickfix',
          edits: sshMountEdits(model, instruction),
        }],
      });
    }
  },
};
