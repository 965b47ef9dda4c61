// 3.1.3 Inmutabilidad en dependencias: `apt-get install` without `--no-install-recommends` also installs
// every package the requested ones merely recommend. The image grows with software nobody asked for (more
// to patch, more attack surface), and which extras arrive depends on the mirror's metadata of the day.
//
// Flagged (every stage): `apt-get install` / `apt install` (through sudo and the like) with none of
// `--no-install-recommends`, `--install-recommends=no|false|0|off`, `-o APT::Install-Recommends=false|0|no|off`.
// Not flagged when the stage already disabled recommends for every apt call: an earlier RUN (in the stage or
// the stages it builds on, or earlier in the same RUN) wrote `APT::Install-Recommends "false"` (echo/printf
// into /etc/apt/apt.conf.d, a heredoc), or a COPY/ADD put a file into /etc/apt/apt.conf.d (its content is
// unknown here: we stay quiet). `apt-get install` with no package (`apt-get install -f`) is left alone.
//
// Fix (quickfix): insert ` --no-install-recommends` right after the `install` word.
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import { memoByObject } from '../memo';
import type { Rule } from '../rule';
import { packageManagerCall, type PackageManagerCall } from '../shell/commands';
import { insertAfterWord } from '../shell/edits';
import type { ShellCommand, ShellScript, ShellWord } from '../shell/parser';

// Per model, key and stage: the line of the stage's first instruction that passes a test (Infinity when
// none does). Files with thousands of RUNs ask about every install, so answers come from this cache.
const firstLines = new WeakMap<DockerfileModel, Map<string, Map<Stage, number>>>();

function firstLine(model: DockerfileModel, stage: Stage, key: string, test: (instruction: Instruction) => boolean): number {
  let byKey = firstLines.get(model);
  if (!byKey) firstLines.set(model, byKey = new Map());
  let byStage = byKey.get(key);
  if (!byStage) byKey.set(key, byStage = new Map());
  let line = byStage.get(stage);
  if (line === undefined) {
    const found = stage.instructions.find(test);
    line = found ? found.getRange().start.line : Infinity;
    byStage.set(stage, line);
  }
  return line;
}

/**
 * True when an instruction before `instruction` (in its stage, or anywhere in the stages it builds on)
 * passes `test`. `key` names the test for the cache and must always go with the same test.
 */
export function happenedBefore(model: DockerfileModel, stage: Stage, instruction: Instruction, key: string, test: (instruction: Instruction) => boolean): boolean {
  const line = instruction.getRange().start.line;
  const seen = new Set<Stage>();
  for (let s: Stage | null = stage; s && !seen.has(s); s = s.parent) {
    seen.add(s);
    const first = firstLine(model, s, key, test);
    if (s === stage ? first < line : first < Infinity) return true;
  }
  return false;
}

type HeredocHolder = Instruction & { getHeredocs?: () => Array<{ getContentRange(): { start: { line: number; character: number }; end: { line: number; character: number } } | null }> };

function heredocBodies(model: DockerfileModel, instruction: Instruction): string[] {
  return ((instruction as HeredocHolder).getHeredocs?.() ?? [])
    .map((h) => h.getContentRange())
    .filter((r): r is NonNullable<typeof r> => r !== null)
    .map((r) => model.index.textIn(r));
}

/**
 * The word values (known ones) of commands that may write a file: package-manager calls are left out, so
 * an option of one call (`apt-get -o APT::Get::Assume-Yes=true ...`) does not count for the next one.
 */
function wordValues(commands: readonly ShellCommand[]): string[] {
  return commands.filter((c) => packageManagerCall(c) === null)
    .flatMap((c) => [c.name, ...c.args]).map((w) => w.value).filter((v): v is string => v !== null);
}

/** wordValues of a whole RUN, once per parsed script (shared between lints). */
const scriptWordValues = memoByObject((script: ShellScript): string[] => wordValues(script.commands));

/** Text that an instruction writes: the words of a RUN's commands and the bodies of RUN/COPY/ADD heredocs. */
function writtenTexts(model: DockerfileModel, instruction: Instruction): string[] {
  const keyword = instruction.getKeyword();
  if (keyword !== 'RUN' && keyword !== 'COPY' && keyword !== 'ADD') return [];
  const texts = heredocBodies(model, instruction);
  const shell = keyword === 'RUN' ? model.shellOf(instruction) : null;
  if (shell) texts.push(...scriptWordValues(shell.script));
  return texts;
}

/**
 * The stage wrote a setting matching `pattern` before `command` of `shell`: in the words of an earlier RUN
 * (in the stage or the stages it builds on) or of an earlier command of the same RUN, or in the body of a
 * heredoc (RUN, COPY, ADD). `key` names the pattern for the cache.
 */
export function writtenBefore(model: DockerfileModel, stage: Stage, instruction: Instruction, shell: RunShell, command: ShellCommand, key: string, pattern: RegExp): boolean {
  if (wordValues(shell.script.commands.filter((c) => c.end <= command.start)).some((t) => pattern.test(t))) return true;
  return happenedBefore(model, stage, instruction, `written:${key}`, (i) => writtenTexts(model, i).some((t) => pattern.test(t)));
}

type JsonHolder = Instruction & { getOpeningBracket?: () => unknown; getClosingBracket?: () => unknown; getJSONStrings?: () => Array<{ getJSONValue(): string }> };

/** The destination of a COPY/ADD after ARG/ENV expansion, or null. */
function destinationOf(model: DockerfileModel, instruction: Instruction): string | null {
  const json = instruction as JsonHolder;
  const line = instruction.getRange().start.line;
  let words: string[];
  if (json.getOpeningBracket?.() && json.getClosingBracket?.() && json.getJSONStrings?.().length) {
    words = json.getJSONStrings!().map((s) => s.getJSONValue());
  } else {
    let args = instruction.getArguments();
    // `COPY <<EOF /dest`: the destination is on the first line, the body follows.
    if (args.some((a) => a.getValue().startsWith('<<'))) args = args.filter((a) => a.getRange().start.line === line);
    words = args.map((a) => a.getValue().replace(/^(["'])(.*)\1$/, '$2'));
  }
  if (words.length < 2) return null;
  return model.expand(words[words.length - 1], line);
}

/** A COPY/ADD before `instruction` in the stage chain puts files into /etc/apt/apt.conf.d (content unknown). */
export function copiesAptConfig(model: DockerfileModel, stage: Stage, instruction: Instruction): boolean {
  return happenedBefore(model, stage, instruction, 'copies-apt-config', (prior) => {
    const keyword = prior.getKeyword();
    if (keyword !== 'COPY' && keyword !== 'ADD') return false;
    const dest = destinationOf(model, prior);
    return dest !== null && /^\/etc\/apt\/apt\.conf(\.d)?(\/|$)/.test(dest);
  });
}

// `APT::Install-Recommends "false";` in a config file, `APT::Install-Recommends=0` in an -o option.
// (`\s*(?:=\s*|\s+)` would backtrack quadratically through a long run of blanks; this is the same language)
export const RECOMMENDS_OFF = /Install-Recommends(?:\s*=\s*|\s+)["']?(?:false|0|no|off)\b/i;
const FALSE = /^(false|0|no|off)$/i;

/** Values given with `-o`/`--option` to an apt call. */
export function aptOptionValues(call: PackageManagerCall): string[] {
  const values: string[] = [];
  const options = call.options;
  for (let i = 0; i < options.length; i++) {
    const v = options[i].value;
    if (v === null) continue;
    if (v === '-o' || v === '--option') { const next = options[i + 1]?.value; if (next) values.push(next); i++; continue; }
    if (v.startsWith('--option=')) values.push(v.slice('--option='.length));
    else if (/^-o./.test(v)) values.push(v.slice(2));
  }
  return values;
}

function disablesRecommends(call: PackageManagerCall): boolean {
  for (const word of call.options) {
    const v = word.value;
    if (v === null) continue;
    if (v === '--no-install-recommends') return true;
    if (v.startsWith('--install-recommends=') && FALSE.test(v.slice('--install-recommends='.length))) return true;
  }
  return aptOptionValues(call).some((o) => /^APT::Install-Recommends=/i.test(o) && FALSE.test(o.slice(o.indexOf('=') + 1)));
}

/** `apt-get install` / `apt install` with at least one package (or a package only known at build time). */
export function aptInstall(command: ShellCommand): (PackageManagerCall & { subcommandWord: ShellWord }) | null {
  const call = packageManagerCall(command);
  if (!call || call.manager !== 'apt' || call.subcommand !== 'install' || !call.subcommandWord) return null;
  if (call.tool !== 'apt-get' && call.tool !== 'apt') return null;
  if (!call.operands.length) return null;
  return call as PackageManagerCall & { subcommandWord: ShellWord };
}

export const aptNoRecommends: Rule = {
  meta: {
    id: 'apt-no-recommends',
    sections: ['3.1.3'],
    severity: 'info',
    fixable: true,
    equivalents: { hadolint: ['DL3015'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Install apt packages without their recommendations',
        why: 'By default apt also installs every package that the requested ones recommend. Those extras are not needed to run your software, yet they make the image bigger, add code that has to be patched and scanned, and change with the mirror\'s metadata, so the same line can install a different set of packages later.',
        how: 'Add `--no-install-recommends` to `apt-get install` (as in `apt-get install -y --no-install-recommends curl`) and list explicitly any recommended package you really need. To apply it to every call of a stage, write `APT::Install-Recommends "false";` to a file in /etc/apt/apt.conf.d first.',
      },
      es: {
        title: 'Instala paquetes apt sin sus recomendados',
        why: 'Por defecto apt instala también todos los paquetes que recomiendan los que pides. Esos extras no hacen falta para ejecutar tu software, pero agrandan la imagen, añaden código que hay que parchear y analizar, y cambian con los metadatos del repositorio, así que la misma línea puede instalar más adelante un conjunto distinto de paquetes.',
        how: 'Añade `--no-install-recommends` a `apt-get install` (como en `apt-get install -y --no-install-recommends curl`) y nombra de forma explícita cualquier paquete recomendado que de verdad necesites. Para aplicarlo a todas las llamadas de una etapa, escribe antes `APT::Install-Recommends "false";` en un fichero de /etc/apt/apt.conf.d.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const { instruction, shell } of model.runsOf(stage)) {
        for (const command of shell.script.commands) {
          const call = aptInstall(command);
          if (!call || disablesRecommends(call)) continue;
          if (writtenBefore(model, stage, instruction, shell, command, 'apt-recommends-off', RECOMMENDS_OFF)) continue;
          if (copiesAptConfig(model, stage, instruction)) continue;
          report({
            range: model.commandRange(shell, call.subcommandWord),
            message: {
              en: `\`${call.tool} install\` without --no-install-recommends also installs every recommended package: a bigger image with software nobody asked for. Add --no-install-recommends.`,
              es: `\`${call.tool} install\` sin --no-install-recommends instala también todos los paquetes recomendados: una imagen más grande con software que nadie ha pedido. Añade --no-install-recommends.`,
            },
            fixes: [{
              title: { en: 'Add --no-install-recommends', es: 'Añadir --no-install-recommends' },
              kind: 'quickfix',
              edits: [insertAfterWord(model, shell, call.subcommandWord, ' --no-install-recommends')],
            }],
          });
        }
      }
    }
  },
};

