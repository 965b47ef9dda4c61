// 3.1.2 Privilegios / 2.2.2 Archivos y carpetas: permissions that let every user of the container write a
// file or folder (`chmod 777`, `chmod -R o+w`, `COPY --chmod=666`). Often written to "make it work" under a
// non-root USER, it also lets any other process or account replace the application's code or config.
//
// Flagged: the mode word of `chmod` (through sudo and the like), of `mkdir -m`/`install -m`, and the
// `--chmod` value of COPY/ADD, when the mode gives "others" the write bit: an octal mode whose last digit is
// 2, 3, 6 or 7, or a symbolic mode that ends up granting `w` to `o` or `a` (`a+w`, `o+w`, `ugo+rwx`,
// `o=rwx`). Not flagged: `+w`/`=rw` without a who (the umask keeps others out), modes that take the bit
// away again (`a+w,o-w`), the sticky-bit convention for shared scratch folders (`1777`, `o+t` in the same
// clause, as /tmp has), `--reference`, modes only known at build time, and a chmod whose every target the
// same RUN deletes again (`chmod 777 "$tempDir"` ... `rm -rf "$tempDir"`: a scratch folder of the build).
//
// No fix: the right mode (and owner) depends on who has to write there.
import type { Flag, Instruction } from 'dockerfile-ast';
import type { DockerfileModel, RunShell } from '../dockerfile';
import type { Report, Rule } from '../rule';
import { basename, unwrapCommand } from '../shell/commands';
import type { ShellCommand, ShellWord } from '../shell/parser';
import type { Localized } from '../types';

/**
 * True when `mode` gives others write permission for sure, false when it does not (or it is not a mode
 * we can read: stay quiet). Sticky-bit modes (`1777`, `o+wt`) are the /tmp convention and count as false.
 */
export function isWorldWritableMode(mode: string): boolean {
  if (/^[0-7]{1,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    if (Number(digits[0]) & 1) return false; // sticky bit: shared scratch folder
    return (Number(digits[3]) & 2) !== 0;
  }
  let othersWrite: boolean | null = null; // null: as the file already was
  let sticky = false;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause);
    if (!m) return false;
    const who = m[1];
    const others = who.includes('o') || who.includes('a');
    for (const action of m[2].match(/[-+=][rwxXstugo]*/g) ?? []) {
      const op = action[0];
      const perms = action.slice(1);
      if (perms.includes('t') && op !== '-' && (who === '' || others)) sticky = true;
      if (!others) continue; // no who: the umask decides for others (`+w` keeps them out)
      const copies = /[ugo]/.test(perms);
      if (op === '+') { if (perms.includes('w')) othersWrite = true; else if (copies) othersWrite = othersWrite === true ? true : null; }
      else if (op === '-') { if (perms.includes('w')) othersWrite = false; }
      else othersWrite = perms.includes('w') ? true : copies ? null : false;
    }
  }
  return othersWrite === true && !sticky;
}

const CHMOD_OPTION = /^-[RfvcHLPh]+$/;

/** The mode word of a `chmod`, or null when there is none or it comes from a reference file. */
function chmodMode(args: readonly ShellWord[]): ShellWord | null {
  for (const word of args) {
    const v = word.value;
    if (v === null) return null;
    if (v.startsWith('--')) {
      if (v.startsWith('--reference')) return null;
      continue;
    }
    if (CHMOD_OPTION.test(v)) continue;
    return word;
  }
  return null;
}

/** The `-m`/`--mode` value of `mkdir` or `install`: the word that holds it and the mode itself. */
function modeOption(args: readonly ShellWord[]): { word: ShellWord; value: string } | null {
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === null) continue;
    if (v === '--') return null;
    if (v.startsWith('--mode=')) return { word: args[i], value: v.slice('--mode='.length) };
    // `-m 777`, `--mode 777`, `-pm 777`, or the value in the same cluster: `-m777`, `-pm777`.
    const cluster = /^-([pvDbcsd]*)m(.*)$/.exec(v);
    if (v === '--mode' || cluster) {
      if (cluster && cluster[2]) return { word: args[i], value: cluster[2] };
      const next = args[i + 1];
      return next && next.value !== null ? { word: next, value: next.value } : null;
    }
  }
  return null;
}

/**
 * Every target is deleted again later in the same RUN (`chmod 777 "$tempDir" ... rm -rf "$tempDir"`): a
 * scratch folder of the build that never reaches the image.
 */
function removedLater(shell: RunShell, command: ShellCommand, targets: readonly ShellWord[]): boolean {
  if (!targets.length) return false;
  const removed = new Set<string>();
  for (const c of shell.script.commands) {
    if (c.start < command.end) continue;
    const unwrapped = unwrapCommand(c);
    if (!unwrapped || basename(unwrapped.name.value) !== 'rm') continue;
    for (const w of c.args.slice(unwrapped.firstArg)) removed.add(w.text);
  }
  return targets.every((t) => removed.has(t.text));
}

function message(written: string): Localized {
  return {
    en: `\`${written}\` lets every user in the container write here: any process, not just your app, can then change these files. Give ownership to the user that needs it (chown, COPY --chown) and use a mode such as 755/644, or 775/664 with a shared group.`,
    es: `\`${written}\` permite escribir aquí a cualquier usuario del contenedor: cualquier proceso, no solo tu aplicación, puede modificar estos ficheros. Da la propiedad al usuario que lo necesita (chown, COPY --chown) y usa un modo como 755/644, o 775/664 con un grupo compartido.`,
  };
}

export const worldWritable: Rule = {
  meta: {
    id: 'world-writable',
    sections: ['3.1.2', '2.2.2'],
    severity: 'warning',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Do not make files writable by everyone',
        why: 'Modes such as 777 or o+w let any account in the container modify the files, not only the user the application runs as. If any process is compromised, or another user exists in the image, it can rewrite code, scripts or configuration that the application trusts, which undoes much of what running without root achieves.',
        how: 'Decide who really has to write: give that user or group ownership (`chown`, `COPY --chown=app:app`) and keep others at read (755 for folders, 644 for files, or 775/664 with a shared group). For a shared scratch folder use the sticky bit, as /tmp does (1777).',
      },
      es: {
        title: 'No dejes ficheros con escritura para todos',
        why: 'Modos como 777 u o+w permiten a cualquier cuenta del contenedor modificar los ficheros, no solo al usuario con el que corre la aplicación. Si algún proceso se ve comprometido, o en la imagen existe otro usuario, puede reescribir código, scripts o configuración en los que la aplicación confía, y eso anula buena parte de lo que se gana al no usar root.',
        how: 'Decide quién tiene que escribir de verdad: dale la propiedad a ese usuario o grupo (`chown`, `COPY --chown=app:app`) y deja al resto solo con lectura (755 para carpetas, 644 para ficheros, o 775/664 con un grupo compartido). Para una carpeta temporal compartida usa el sticky bit, como /tmp (1777).',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        const keyword = instruction.getKeyword();
        if (keyword === 'COPY' || keyword === 'ADD') checkChmodFlag(model, instruction, report);
      }
      for (const { shell } of model.runsOf(stage)) {
        for (const command of shell.script.commands) {
          const unwrapped = unwrapCommand(command);
          if (!unwrapped) continue;
          const program = basename(unwrapped.name.value);
          const args = command.args.slice(unwrapped.firstArg);
          if (program === 'chmod') {
            const word = chmodMode(args);
            if (word && isWorldWritableMode(word.value!) && !removedLater(shell, command, args.slice(args.indexOf(word) + 1))) {
              report({ range: model.commandRange(shell, word), message: message(`chmod ${word.value}`) });
            }
          } else if (program === 'mkdir' || program === 'install') {
            const found = modeOption(args);
            if (found && isWorldWritableMode(found.value)) {
              report({ range: model.commandRange(shell, found.word), message: message(`${program} -m ${found.value}`) });
            }
          }
        }
      }
    }
  },
};

function checkChmodFlag(model: DockerfileModel, instruction: Instruction, report: (r: Report) => void): void {
  const flags = (instruction as Instruction & { getFlags(): Flag[] }).getFlags();
  for (const flag of flags) {
    if (flag.getName().toLowerCase() !== 'chmod') continue;
    const raw = flag.getValue();
    const range = flag.getValueRange();
    if (raw === null || !range) continue;
    const value = model.expand(raw, instruction.getRange().start.line);
    if (value === null || !isWorldWritableMode(value)) continue;
    report({ range, message: message(`${instruction.getKeyword().toUpperCase()} --chmod=${value}`) });
  }
}
