// 3.1.6 Multi-stage: the image that runs a Node.js application needs its production dependencies only.
// Test runners, bundlers, linters and type checkers (devDependencies) add code, and vulnerabilities,
// that never runs.
//
// Flagged, in the final image only (its stage and the stages it builds on with `FROM <stage>`): `npm ci`
// and `npm install` without package names, `yarn` / `yarn install`, `pnpm install` / `pnpm i`, unless
// - an option leaves dev dependencies out (`--omit=dev`, `--only=production`, `--production`, `--prod`, `-P`)
//   or asks for them on purpose (`--include=dev`, `--production=false`, `--dev`);
// - NODE_ENV or npm/yarn's own production settings are set before it: ENV or ARG in the image's stages,
//   `export` earlier in the RUN, or `NODE_ENV=production npm ci` / `env NODE_ENV=... npm ci`;
// - something later in the final image needs or drops them: a package.json script (`npm run build`,
//   `yarn test`...), `npx`/`npm exec`/`pnpm exec`, `npm prune --production`, `rm -rf node_modules` (then the
//   advice is a build stage, the multi-stage rule's business);
// - the install happens in a bind or cache mount (`cd` into the mount target, or WORKDIR there), so nothing
//   of it stays in the image;
// - the image is a development environment (dev container base, final stage named `dev`, `test`...).
// Global installs (`-g`) and installs of named packages are not project installs. Exec-form RUNs are read
// too; PowerShell RUNs are not.
//
// Fix (quickfix): insert ` --omit=dev` after the subcommand (` --only=production` on `node` images up to
// 14, whose npm 6 predates `--omit`), ` --production` for yarn 1, ` --prod` for pnpm. Yarn 2+ (seen by its
// options or a `corepack`/`yarn set version` step) has no such flag: finding without fix.
import type { Instruction, PropertyInstruction, Run } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import type { Rule } from '../rule';
import { basename, unwrapCommand } from '../shell/commands';
import { insertAfterWord } from '../shell/edits';
import type { ShellCommand, ShellWord } from '../shell/parser';
import {
  dropsJsDevDependencies, finalChain, isDevEnvironment, JS_INSTALL_ENV, jsInstallOf, jsScriptRun, rootImageRef,
  type JsInstall,
} from '../toolchains';
import type { Localized, LocalizedFix, Range, TextEdit } from '../types';

/** A RUN's commands: parsed shell, or the exec form's words placed at their document offsets. */
interface RunCommands {
  instruction: Instruction;
  shell: RunShell | null;
  commands: ShellCommand[];
}

/** `RUN ["npm", "ci"]`: words carry document offsets (just inside the quotes' end for inserting). */
function execFormCommand(model: DockerfileModel, run: Run): ShellCommand | null {
  if (!run.getOpeningBracket?.() || !run.getClosingBracket?.()) return null;
  const strings = run.getJSONStrings();
  if (!strings.length) return null;
  const words: ShellWord[] = strings.map((s) => ({
    text: s.getValue(),
    value: s.getJSONValue(),
    start: model.offsetAt(s.getRange().start),
    end: model.offsetAt(s.getRange().end),
  }));
  return { name: words[0], args: words.slice(1), start: words[0].start, end: words[words.length - 1].end };
}

function runCommands(model: DockerfileModel, stage: Stage): RunCommands[] {
  const out: RunCommands[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.getKeyword() !== 'RUN') continue;
    const shell = model.shellOf(instruction);
    if (shell) {
      out.push({ instruction, shell, commands: shell.script.commands });
      continue;
    }
    const exec = execFormCommand(model, instruction as Run);
    if (exec) out.push({ instruction, shell: null, commands: [exec] });
  }
  return out;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** ENV or ARG of the image's stages, before `line`, that sets one of the install-related variables. */
function envInScope(chain: Stage[], line: number): boolean {
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction.getRange().start.line >= line) return false;
      const keyword = instruction.getKeyword();
      if (keyword !== 'ENV' && keyword !== 'ARG') continue;
      const properties = (instruction as PropertyInstruction).getProperties();
      if (properties.some((p) => JS_INSTALL_ENV.has(p.getName()))) return true;
    }
  }
  return false;
}

/** `NODE_ENV=production npm ci`, `env NODE_ENV=production npm ci`. */
function inlineEnv(shell: RunShell | null, command: ShellCommand): boolean {
  if (shell) {
    const prefix = shell.source.slice(command.start, command.name.start);
    for (const word of prefix.split(/\s+/)) {
      const m = ASSIGNMENT.exec(word);
      if (m && JS_INSTALL_ENV.has(m[1])) return true;
    }
  }
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return false;
  return command.args.slice(0, unwrapped.firstArg).some((w) => {
    const m = w.value !== null ? ASSIGNMENT.exec(w.value) : null;
    return m !== null && JS_INSTALL_ENV.has(m[1]);
  });
}

/** `export NODE_ENV=production` (or `NODE_ENV=... ; export NODE_ENV`) earlier in the same RUN. */
function exportedBefore(commands: ShellCommand[], command: ShellCommand): boolean {
  return commands.some((c) => c.end <= command.start && (c.name.value === 'export' || c.name.value === 'declare')
    && c.args.some((w) => w.value !== null && JS_INSTALL_ENV.has(w.value.split('=')[0])));
}

function mountTargets(instruction: Instruction): string[] {
  const targets: string[] = [];
  for (const flag of (instruction as Run).getFlags()) {
    if (flag.getName().toLowerCase() !== 'mount') continue;
    const options = flag.getOptions();
    const type = options.find((o) => o.getName().toLowerCase() === 'type')?.getValue()?.toLowerCase() ?? 'bind';
    if (type !== 'bind' && type !== 'cache') continue;
    const target = options.find((o) => ['target', 'dst', 'destination'].includes(o.getName().toLowerCase()))?.getValue();
    // Trailing slashes: /(?<!\/)\/+$/ is linear, /\/+$/ retried from every slash of a long run (quadratic: a hang, see test/fixtures/fuzz-regressions/trailing-slashes.json).
    if (target) targets.push(target.replace(/(?<!\/)\/+$/, ''));
  }
  return targets;
}

function under(path: string, target: string): boolean {
  // Trailing slashes: /(?<!\/)\/+$/ is linear, /\/+$/ retried from every slash of a long run (quadratic: a hang, see test/fixtures/fuzz-regressions/trailing-slashes.json).
  const p = path.replace(/(?<!\/)\/+$/, '');
  return p === target || p.startsWith(`${target}/`);
}

/** The install runs inside a mount: `cd /mnt/src && npm ci`, or WORKDIR is the mount target. */
function installsIntoMount(chain: Stage[], run: RunCommands, command: ShellCommand): boolean {
  const targets = mountTargets(run.instruction);
  if (!targets.length) return false;
  const cds = run.commands.filter((c) => c.end <= command.start && c.name.value === 'cd').map((c) => c.args[0]?.value ?? null);
  if (cds.some((d) => d !== null && targets.some((t) => under(d, t)))) return true;
  let workdir: string | null = null;
  const line = run.instruction.getRange().start.line;
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction.getRange().start.line >= line) break;
      if (instruction.getKeyword() === 'WORKDIR') workdir = instruction.getArgumentsContent();
    }
  }
  return workdir !== null && targets.some((t) => under(workdir!, t));
}

/** Later commands that run the project's tools (scripts, npx) or drop the dev dependencies. */
function usesOrDrops(command: ShellCommand): boolean {
  // A later production install is not counted: fixing one install must not silence another.
  if (jsScriptRun(command) || dropsJsDevDependencies(command, false)) return true;
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return false;
  const program = basename(unwrapped.name.value);
  const first = command.args[unwrapped.firstArg]?.value ?? null;
  if (program === 'npx' || program === 'pnpx') return true;
  if ((program === 'npm' || program === 'pnpm' || program === 'yarn') && (first === 'exec' || first === 'x')) return true;
  return unwrapped.name.value?.includes('node_modules/.bin/') ?? false;
}

/**
 * Which yarn runs: `berry` when Yarn 2+ options are used, `maybe-berry` when a step may switch versions
 * (`corepack enable`, `yarn set version`, a copied `.yarnrc.yml`), else `classic` (the node images' yarn 1).
 */
function yarnFlavour(chain: Stage[], runs: RunCommands[], install: JsInstall): 'berry' | 'maybe-berry' | 'classic' {
  if (install.berry) return 'berry';
  for (const run of runs) {
    for (const c of run.commands) {
      const unwrapped = unwrapCommand(c);
      const program = basename(unwrapped?.name.value ?? null);
      const args = unwrapped ? c.args.slice(unwrapped.firstArg).map((w) => w.value) : [];
      if (program === 'corepack' && ['enable', 'prepare', 'use', 'install', 'up'].includes(args[0] ?? '')) return 'maybe-berry';
      if (program === 'yarn' && args[0] === 'set' && args[1] === 'version') return 'maybe-berry';
    }
  }
  const yarnrc = chain.some((s) => s.instructions.some((i) => (i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD')
    && /\.yarnrc\.yml\b/.test(i.getArgumentsContent() ?? '')));
  return yarnrc ? 'maybe-berry' : 'classic';
}

/** npm 6 (node images up to 14) has no `--omit`. */
function npmProductionFlag(model: DockerfileModel): string {
  const final = model.finalStage;
  const ref = final ? rootImageRef(model, final) : null;
  if (ref && ref.repository === 'node') {
    const major = /^(\d+)/.exec(ref.tag ?? '');
    if (major && Number(major[1]) <= 14) return '--only=production';
  }
  return '--omit=dev';
}

function wordRange(model: DockerfileModel, run: RunCommands, word: ShellWord): Range {
  return run.shell ? model.commandRange(run.shell, word) : model.rangeOf(word.start, word.end);
}

function insertFlag(model: DockerfileModel, run: RunCommands, word: ShellWord, flag: string): TextEdit {
  if (run.shell) return insertAfterWord(model, run.shell, word, ` ${flag}`);
  const at = model.index.positionAt(word.end);
  return { range: { start: at, end: at }, newText: `, "${flag}"` };
}

function spokenName(command: ShellCommand, install: JsInstall): string {
  return install.word === command.name || install.word === unwrapCommand(command)?.name ? install.tool : `${install.tool} ${install.word.value}`;
}

export const npmDevDeps: Rule = {
  meta: {
    id: 'npm-dev-deps',
    sections: ['3.1.6'],
    severity: 'info',
    fixable: true,
    equivalents: {},
    docs: {
      en: {
        title: 'Install only production dependencies in the final image',
        why: 'A plain `npm ci`, `npm install`, `yarn install` or `pnpm install` also installs devDependencies: test frameworks, bundlers, linters, type checkers. The running application never loads them, yet they ship in the image, make it bigger and add packages whose vulnerabilities scanners will report and attackers can use.',
        how: 'In the image that runs the application install with `npm ci --omit=dev` (`yarn install --production`, `pnpm install --prod`), or set `ENV NODE_ENV=production` before installing. If the build needs the dev dependencies, run it in a build stage and copy only the result and the production `node_modules` into the final stage.',
      },
      es: {
        title: 'Instala solo las dependencias de producción en la imagen final',
        why: 'Un `npm ci`, `npm install`, `yarn install` o `pnpm install` sin más instala también las devDependencies: frameworks de test, empaquetadores, linters, comprobadores de tipos. La aplicación en marcha nunca las carga, pero viajan en la imagen, la hacen más grande y añaden paquetes cuyas vulnerabilidades señalarán los escáneres y podrá aprovechar un atacante.',
        how: 'En la imagen que ejecuta la aplicación instala con `npm ci --omit=dev` (`yarn install --production`, `pnpm install --prod`), o define `ENV NODE_ENV=production` antes de instalar. Si la compilación necesita las dependencias de desarrollo, hazla en una etapa de build y copia a la etapa final solo el resultado y el `node_modules` de producción.',
      },
    },
  },
  check({ model, report }) {
    if (isDevEnvironment(model)) return;
    const chain = finalChain(model);
    const runs = chain.flatMap((stage) => runCommands(model, stage));
    runs.forEach((run, runIndex) => {
      for (const command of run.commands) {
        const install = jsInstallOf(command);
        if (!install || install.mode !== 'default') continue;
        const line = run.instruction.getRange().start.line;
        if (envInScope(chain, line) || inlineEnv(run.shell, command) || exportedBefore(run.commands, command)) continue;
        if (installsIntoMount(chain, run, command)) continue;
        const later = [
          ...run.commands.filter((c) => c.start >= command.end),
          ...runs.slice(runIndex + 1).flatMap((r) => r.commands),
        ];
        if (later.some(usesOrDrops)) continue;

        const what = spokenName(command, install);
        let flag: string | null;
        let advice: Localized;
        const flavour = install.tool === 'yarn' ? yarnFlavour(chain, runs, install) : 'classic';
        if (install.tool === 'npm') flag = npmProductionFlag(model);
        else if (install.tool === 'pnpm') flag = '--prod';
        else flag = flavour === 'classic' ? '--production' : null;
        if (flag) advice = { en: `add \`${flag}\``, es: `añade \`${flag}\`` };
        else if (flavour === 'berry') advice = { en: 'Yarn 2+ has no `--production`, so use `yarn workspaces focus --all --production`', es: 'Yarn 2+ no tiene `--production`, así que usa `yarn workspaces focus --all --production`' };
        else advice = { en: 'add `--production` with Yarn 1, or use `yarn workspaces focus --all --production` with Yarn 2+', es: 'añade `--production` con Yarn 1, o usa `yarn workspaces focus --all --production` con Yarn 2+' };
        const fixes: LocalizedFix[] = flag ? [{
          title: { en: `Add ${flag}`, es: `Añadir ${flag}` },
          kind: 'quickfix',
          edits: [insertFlag(model, run, install.word, flag)],
        }] : [];
        const orEnv: Localized = flavour !== 'berry'
          ? { en: ' (or set NODE_ENV=production before it)', es: ' (o define NODE_ENV=production antes)' }
          : { en: '', es: '' };
        report({
          range: wordRange(model, run, install.word),
          message: {
            en: `\`${what}\` in the final image also installs devDependencies, which the application does not run: ${advice.en}${orEnv.en}.`,
            es: `\`${what}\` en la imagen final instala también las devDependencies, que la aplicación no ejecuta: ${advice.es}${orEnv.es}.`,
          },
          fixes,
        });
      }
    });
  },
};
