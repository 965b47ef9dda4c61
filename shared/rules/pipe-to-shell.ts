// 3.1.4 Integridad de dependencias: `curl ... | sh` runs whatever the server sends at that moment, with no
// chance to check it first: the script is executed while it is still arriving.
//
// Flagged (error), in every stage: a download written to standard output (`curl` without `-o`/`-O`,
// `wget -O -`/`-qO-`) whose pipeline feeds an interpreter that executes what it reads on standard input:
// sh, bash, dash, ash, zsh, ksh, mksh, python/python2/python3(.x), perl, ruby, node/nodejs, php, also through
// sudo/env and after other pipeline stages (`| tee log | bash`). An interpreter reads its program from
// stdin when it gets no script: `sh`, `sh -s -- args`, `bash -`, `bash /dev/stdin`, `python3 -`,
// `perl - App::cpanminus`, `php -- --install-dir=...`. Also the substitution forms: `sh -c "$(curl ...)"`,
// `bash <(curl ...)`, `source <(curl ...)`, `eval "$(curl ...)"`, `python3 -c "$(curl ...)"`.
// Not flagged: interpreters given their own code (`curl api | python3 -c 'import json...'`,
// `| perl -ne ...`, `| node -e ...`) or a script file (`| sh ./local.sh`): they only read data; downloads
// saved to a file first (download-unverified checks those).
// Range: the pipeline from the download to the interpreter (or the command holding the substitution).
// No fix: the replacement (download, verify, then run) needs a checksum only the author can provide.
// hadolint's DL4006 (set -o pipefail) is a different check: no equivalent listed.
import type { Rule } from '../rule';
import { basename, unwrapCommand } from '../shell/commands';
import { downloadsIn } from '../shell/downloads';
import type { ShellCommand, ShellWord } from '../shell/parser';

type Family = 'sh' | 'python' | 'perl' | 'ruby' | 'node' | 'php';

function familyOf(program: string): Family | null {
  if (/^(sh|bash|dash|ash|zsh|ksh|mksh)$/.test(program)) return 'sh';
  if (/^python(\d+(\.\d+)?)?$/.test(program)) return 'python';
  if (program === 'perl') return 'perl';
  if (program === 'ruby') return 'ruby';
  if (program === 'node' || program === 'nodejs') return 'node';
  if (/^php(\d+(\.\d+)?)?$/.test(program)) return 'php';
  return null;
}

// Per interpreter: short options whose value is the program text, short options taking another value,
// long options for program text, long options taking another value, short options meaning "read stdin".
const SPECS: Record<Family, { code: string; value: string; longCode: string[]; longValue: string[]; stdin: string }> = {
  sh: { code: 'c', value: 'oO', longCode: [], longValue: ['--rcfile', '--init-file'], stdin: 's' },
  python: { code: 'c', value: 'mWX', longCode: [], longValue: ['--check-hash-based-pycs'], stdin: '' },
  perl: { code: 'eE', value: 'IMmCdDxil0', longCode: [], longValue: [], stdin: '' },
  ruby: { code: 'e', value: 'rICEFTxK', longCode: [], longValue: ['--encoding', '--external-encoding', '--internal-encoding', '--enable', '--disable'], stdin: '' },
  node: { code: 'ep', value: 'rC', longCode: ['--eval', '--print'], longValue: ['--require', '--import', '--loader', '--experimental-loader', '--input-type', '--conditions', '--env-file', '--title'], stdin: '' },
  php: { code: 'rfRBEF', value: 'dczt', longCode: [], longValue: [], stdin: '' },
};

interface Program {
  command: ShellCommand;
  family: Family | 'eval' | 'source';
  /** Runs what arrives on standard input. */
  readsStdin: boolean;
  /** Words whose content is run as code (a `-c` value, the script operand). */
  code: ShellWord[];
}

/** What an interpreter call executes: standard input, or the code/script words it was given. */
export function programOf(command: ShellCommand): Program | null {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const program = basename(unwrapped.name.value);
  if (program === null) return null;
  const args = command.args.slice(unwrapped.firstArg);
  if (program === 'eval') return { command, family: 'eval', readsStdin: false, code: args };
  if (program === 'source' || program === '.') return { command, family: 'source', readsStdin: false, code: args.slice(0, 1) };
  const family = familyOf(program);
  if (!family) return null;
  const spec = SPECS[family];
  const code: ShellWord[] = [];
  let readsStdin = false;
  let codeOption = false; // sh -c: the first operand is the program text
  let i = 0;
  for (; i < args.length; i++) {
    const v = args[i].value;
    if (v === null) break; // an unknown word: from here on, an operand
    if (v === '-' && family === 'sh') { i++; break; } // like `--` for a shell
    if (v === '-') { readsStdin = true; i = args.length; break; }
    if (v === '--') {
      i++;
      // php -- args: the program still comes from stdin.
      if (family === 'php') { readsStdin = true; i = args.length; }
      break;
    }
    if (v.startsWith('--')) {
      const name = v.split('=')[0];
      if (spec.longCode.includes(name)) { if (!v.includes('=') && args[i + 1]) code.push(args[++i]); return { command, family, readsStdin: false, code }; }
      if (spec.longValue.includes(name) && !v.includes('=')) i++;
      continue;
    }
    if (!v.startsWith('-') && !(family === 'sh' && v.startsWith('+'))) break;
    let stop = false;
    for (let k = 1; k < v.length; k++) {
      const letter = v[k];
      if (spec.code.includes(letter)) {
        if (family === 'sh') { codeOption = true; continue; }
        if (k + 1 < v.length) code.push(args[i]);
        else if (args[i + 1]) code.push(args[++i]);
        return { command, family, readsStdin: false, code };
      }
      if (spec.stdin.includes(letter)) { readsStdin = true; continue; }
      if (spec.value.includes(letter)) {
        if (family === 'python' && letter === 'm') return { command, family, readsStdin: false, code }; // a module runs
        if (k + 1 === v.length) i++;
        stop = true;
        break;
      }
    }
    if (stop) continue;
  }
  if (family === 'sh' && codeOption) return { command, family, readsStdin: false, code: args.slice(i, i + 1) };
  if (readsStdin) return { command, family, readsStdin: true, code };
  if (i < args.length) {
    const script = args[i];
    return { command, family, readsStdin: script.value === '/dev/stdin' || script.value === '/proc/self/fd/0', code: [script] };
  }
  return { command, family, readsStdin: true, code };
}

function displayName(command: ShellCommand): string {
  return basename(unwrapCommand(command)?.name.value ?? null) ?? command.name.text;
}

export const pipeToShell: Rule = {
  meta: {
    id: 'pipe-to-shell',
    sections: ['3.1.4'],
    severity: 'error',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Do not pipe downloads into a shell',
        why: 'Piping `curl` or `wget` output straight into `sh`, `bash`, `python` and the like executes whatever the server returns at that moment, before anyone can check it. A compromised site, a hijacked DNS name or a truncated transfer all run as code in your build, and the next build may run something else.',
        how: 'Download the script to a file, verify it against a pinned checksum or signature, then run it: `curl -fsSLo install.sh <url> && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh`. Better still, install a released, versioned artifact instead of an installer script.',
      },
      es: {
        title: 'No pases descargas directamente a un intérprete',
        why: 'Encadenar la salida de `curl` o `wget` con `sh`, `bash`, `python` y similares ejecuta lo que devuelva el servidor en ese momento, antes de que nadie pueda revisarlo. Un sitio comprometido, un DNS secuestrado o una descarga cortada se ejecutan como código en tu build, y el siguiente build puede ejecutar otra cosa.',
        how: 'Descarga el script a un fichero, verifícalo con un checksum o una firma fijados y después ejecútalo: `curl -fsSLo install.sh <url> && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh`. Mejor aún, instala un artefacto publicado y versionado en lugar de un script instalador.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const { shell } of model.runsOf(stage)) {
        const reported = new Set<ShellCommand>();
        for (const download of downloadsIn(shell)) {
          const { sink, transfer } = download;
          let interpreter: ShellCommand | null = null;
          let start = transfer.command.name.start;
          let end = 0;
          if (sink.kind === 'pipe') {
            interpreter = sink.stages.find((s) => programOf(s)?.readsStdin) ?? null;
            if (interpreter) end = interpreter.end;
          } else if (sink.kind === 'substitution') {
            const program = programOf(sink.command);
            if (program && program.code.includes(sink.word)) {
              interpreter = sink.command;
              start = sink.command.name.start;
              end = sink.command.end;
            }
          }
          if (!interpreter || reported.has(interpreter)) continue;
          reported.add(interpreter);
          const name = displayName(interpreter);
          report({
            range: model.rangeOf(shell.offset + start, shell.offset + end),
            message: {
              en: `The output of \`${transfer.tool}\` is run by \`${name}\` as it arrives, without any check: download to a file, verify its checksum or signature, then run it.`,
              es: `La salida de \`${transfer.tool}\` la ejecuta \`${name}\` según llega, sin ninguna comprobación: descárgala a un fichero, verifica su checksum o su firma y después ejecútala.`,
            },
          });
        }
      }
    }
  },
};
