// 3.1.4 Integridad de dependencias: TLS with certificate checks is what makes an https download come from
// the server it names. Turning the check off makes every download of the build open to a man in the middle.
//
// Flagged (error), in every stage:
// - curl `-k`/`--insecure` (also inside a group such as `-fsSLk`), `--proxy-insecure`, `--doh-insecure`;
//   wget `--no-check-certificate` (or `--check-certificate=off`);
// - pip `--trusted-host` and `pip config set <section>.trusted-host`;
// - npm/yarn/pnpm `config set strict-ssl false`, `--strict-ssl=false`, `--no-strict-ssl`;
// - git `config http[.<url>].sslVerify false` and `git -c http.sslVerify=false`;
// - conda `config --set ssl_verify false`, composer `config disable-tls true`;
// - yum/dnf `--setopt=[repo.]sslverify=0`, apt `-o Acquire::https::Verify-Peer=false` (or Verify-Host);
// - the environment: NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0, GIT_SSL_NO_VERIFY set to anything,
//   PIP_TRUSTED_HOST, npm_config_strict_ssl=false, YARN_ENABLE_STRICT_SSL=false, CONDA_SSL_VERIFY=false,
//   in ENV, ARG defaults, `VAR=value cmd` prefixes and `export` statements of RUN;
// - the same settings written into configuration files by echo/printf (with a redirection or `| tee`)
//   or sed: `sslverify=0` in a repo file, `Verify-Peer "false"` in apt.conf, `strict-ssl=false` in .npmrc,
//   `check_certificate = off` in .wgetrc, `trusted-host =` in pip.conf, `ssl_verify: false` in .condarc,
//   `insecure` in .curlrc, the variables above in a profile.
// Not flagged: values that only exist at build time (`ARG` without default, `$VAR` not defined in the file),
// exec-form RUN and heredoc bodies written with `cat <<EOF` (not parsed), HEALTHCHECK/CMD (not the build).
// Range: the flag, the option and its value, or the assignment.
// Quick fix, only where removing is mechanical and keeps the command valid: the curl flag (a whole word,
// or its letter in a group), wget's `--no-check-certificate`, and an ENV that sets only one of the variables
// above (not PIP_TRUSTED_HOST: pip then refuses the plain-http index it was set for) when nothing else in the
// file refers to the variable.
import type { Instruction, Property } from 'dockerfile-ast';
import type { DockerfileModel, RunShell } from '../dockerfile';
import type { Rule } from '../rule';
import {
  assignmentsIn, deleteInstruction, matchesInWord, programCall, removeLetter, removeWords, transferOf, writtenTexts,
  type ParsedOption,
} from '../shell/downloads';
import { memoByObject, memoByScript } from '../memo';
import type { ShellCommand, ShellWord } from '../shell/parser';
import { wholeLine } from '../shell/commands';
import type { LocalizedFix, Range, TextEdit } from '../types';
import { lookupTable } from '../lookupTable';

interface Hit {
  range: Range;
  /** The setting as the user wrote it, for the message. */
  what: string;
  fix?: { title: { en: string; es: string }; edit: TextEdit | null };
}

const FALSE = /^(false|0|no|off)$/i;

interface EnvRule { disables: (value: string) => boolean; removable: boolean }

const ENV_VARS: Record<string, EnvRule> = lookupTable({
  NODE_TLS_REJECT_UNAUTHORIZED: { disables: (v) => v === '0', removable: true },
  PYTHONHTTPSVERIFY: { disables: (v) => v === '0', removable: true },
  GIT_SSL_NO_VERIFY: { disables: (v) => v !== '', removable: true },
  PIP_TRUSTED_HOST: { disables: (v) => v.trim() !== '', removable: false },
  NPM_CONFIG_STRICT_SSL: { disables: (v) => FALSE.test(v), removable: true },
  YARN_ENABLE_STRICT_SSL: { disables: (v) => FALSE.test(v), removable: true },
  CONDA_SSL_VERIFY: { disables: (v) => FALSE.test(v), removable: true },
});

// (A Map: every ENV, ARG and assignment name of the file is looked up, and a lookup in an object first interns
// the name.)
const ENV_RULES = new Map(Object.entries(ENV_VARS));
const NPM_STRICT_SSL = 'npm_config_strict_ssl';

function envRule(name: string): EnvRule | null {
  // npm reads its npm_config_* variables in any case. (The length rules out most names without the regex.)
  return ENV_RULES.get(name) ?? (name.length === NPM_STRICT_SSL.length && /^npm_config_strict_ssl$/i.test(name) ? ENV_VARS.NPM_CONFIG_STRICT_SSL : null);
}

// Settings written into configuration files, with the file they must go to when the text alone is ambiguous.
// Every match of a pattern holds one of its needles (in lower case): a word without them is not searched.
const WRITTEN: Array<{ pattern: RegExp; needles: string[]; target?: RegExp }> = [
  { pattern: /(?<![\w-])sslverify[ \t]{0,8}=[ \t]{0,8}(0|false|no|off)\b/i, needles: ['sslverify'] },
  { pattern: /Verify-(Peer|Host)[ \t]{0,8}"?[ \t]{0,8}(false|0|no|off)\b"?/i, needles: ['verify-'] },
  { pattern: /(?<![\w-])strict-ssl[ \t]{0,8}=[ \t]{0,8}false\b/i, needles: ['strict-ssl'] },
  { pattern: /(?<![\w-])check_certificate[ \t]{0,8}=[ \t]{0,8}off\b/i, needles: ['check_certificate'] },
  { pattern: /(?<![\w-])trusted-host[ \t]{0,8}=[ \t]{0,8}\S+/i, needles: ['trusted-host'] },
  { pattern: /(?<![\w-])ssl_verify[ \t]{0,8}:[ \t]{0,8}(false|no)\b/i, needles: ['ssl_verify'] },
  {
    pattern: /\b(NODE_TLS_REJECT_UNAUTHORIZED=["']?0\b|PYTHONHTTPSVERIFY=["']?0\b|GIT_SSL_NO_VERIFY=["']?[^\s"']+)/,
    needles: ['node_tls_reject_unauthorized=', 'pythonhttpsverify=', 'git_ssl_no_verify='],
  },
  { pattern: /(^|\n)[ \t]{0,8}(insecure|-k|--insecure)[ \t]{0,8}($|\n)/, needles: ['insecure', '-k'], target: /(^|\/)\.curlrc$/ },
];

const REMOVE_FLAG = { en: 'Remove the flag that disables certificate checks', es: 'Quitar la opción que desactiva la comprobación de certificados' };

function wordRange(model: DockerfileModel, shell: RunShell, from: ShellWord, to: ShellWord = from): Range {
  return model.rangeOf(shell.offset + from.start, shell.offset + to.end);
}

function optionRange(model: DockerfileModel, shell: RunShell, option: ParsedOption): Range {
  const word = option.word;
  if (option.letter > 0 && word.value !== null && word.value === word.text && word.value.length > 2) {
    const at = shell.offset + word.start + option.letter;
    return model.rangeOf(at, at + 1);
  }
  return wordRange(model, shell, word, option.valueWord ?? word);
}

/** Positional words after the program's options (values of `--opt value` skipped when listed). */
function positionals(args: ShellWord[], valueOptions: ReadonlySet<string> = new Set()): ShellWord[] {
  const out: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v !== null && v.startsWith('-') && v.length > 1) {
      if (valueOptions.has(v)) i++;
      continue;
    }
    out.push(args[i]);
  }
  return out;
}

/** A hit of one command: its option (with a fix), or the words it spans. */
type CommandHit = { option: ParsedOption; what: string; from?: undefined; to?: undefined }
  | { option?: undefined; what: string; from: ShellWord; to: ShellWord };

/** Settings written into files by a RUN's script, at offsets in the script: once per script. */
const writtenHits = memoByScript((shell: RunShell): Array<{ start: number; end: number; text: string }> => {
  const found: Array<{ start: number; end: number; text: string }> = [];
  for (const written of writtenTexts(shell)) {
    if (!written.targets.length) continue;
    // (matchesInWord finds nothing in a word without a value)
    const lowered = written.words.map((word) => word.value?.toLowerCase() ?? null);
    for (const { pattern, needles, target } of WRITTEN) {
      if (target && !written.targets.some((t) => t !== null && target.test(t))) continue;
      written.words.forEach((word, k) => {
        const value = lowered[k];
        if (value === null || !needles.some((needle) => value.includes(needle))) return;
        found.push(...matchesInWord(word, pattern, written.parts.get(word)));
      });
    }
  }
  return found;
});

const CURL_INSECURE = new Set(['-k', '--insecure', '--proxy-insecure', '--doh-insecure']);
const YUM_FAMILY = new Set(['yum', 'dnf', 'microdnf', 'tdnf', 'yum-config-manager', 'dnf-3', 'dnf5']);

/**
 * A command's hits, with words instead of document ranges: they depend on the command alone, so they are read
 * once per command, which the RUN cache keeps across lints (ranges and fixes are placed at each lint).
 */
const commandHits = memoByObject((command: ShellCommand): CommandHit[] => {
  const hits: CommandHit[] = [];
  const transfer = transferOf(command);
  if (transfer) {
    for (const o of transfer.options) {
      const curlFlag = transfer.tool === 'curl' && CURL_INSECURE.has(o.name);
      const wgetFlag = transfer.tool === 'wget' && (o.name === '--no-check-certificate'
        || (o.name === '--check-certificate' && o.valueWord === null && FALSE.test(o.value ?? '')));
      if (!curlFlag && !wgetFlag) continue;
      hits.push({ option: o, what: `${transfer.tool} ${o.letter >= 0 ? o.name : o.word.value ?? o.name}` });
    }
    return hits;
  }
  const call = programCall(command);
  if (!call) return hits;
  const { program, args } = call;
  const pairAfter = (key: ShellWord, list: ShellWord[], test: (k: string, v: string) => boolean) => {
    const k = key.value ?? '';
    const eq = k.indexOf('=');
    if (eq >= 0) return test(k.slice(0, eq), k.slice(eq + 1)) ? key : null;
    const next = list[list.indexOf(key) + 1];
    return next && next.value !== null && test(k, next.value) ? next : null;
  };

  if (program.startsWith('pip') && /^pip(\d+(\.\d+)*)?$/.test(program)) {
    args.forEach((a, i) => {
      if (a.value === '--trusted-host' || a.value?.startsWith('--trusted-host=')) {
        const end = a.value === '--trusted-host' && args[i + 1] ? args[i + 1] : a;
        hits.push({ from: a, to: end, what: 'pip --trusted-host' });
      }
    });
    const pos = positionals(args);
    if (pos[0]?.value === 'config' && pos[1]?.value === 'set' && pos[2]) {
      const end = pairAfter(pos[2], pos, (k) => /^[\w-]+\.trusted-host$/i.test(k));
      if (end) hits.push({ from: pos[2], to: end, what: 'pip config trusted-host' });
    }
    return hits;
  }
  if (program === 'npm' || program === 'yarn' || program === 'pnpm') {
    args.forEach((a, i) => {
      const v = a.value ?? '';
      if (v === '--no-strict-ssl' || /^--strict-ssl=(false|0)$/i.test(v)) hits.push({ from: a, to: a, what: `${program} ${v}` });
      else if (v === '--strict-ssl' && args[i + 1]?.value && /^(false|0)$/i.test(args[i + 1].value!)) {
        hits.push({ from: a, to: args[i + 1], what: `${program} --strict-ssl false` });
      }
    });
    const pos = positionals(args);
    const at = pos[0]?.value === 'config' && pos[1]?.value === 'set' ? 2 : pos[0]?.value === 'set' ? 1 : -1;
    if (at > 0 && pos[at]) {
      const end = pairAfter(pos[at], pos, (k, v) => /^strict[-_]ssl$/i.test(k) && /^(false|0)$/i.test(v));
      if (end) hits.push({ from: pos[at], to: end, what: `${program} config strict-ssl false` });
    }
    return hits;
  }
  if (program === 'git') {
    const values = args.map((a) => a.value);
    let i = 0;
    for (; i < args.length; i++) {
      const v = values[i];
      if (v === '-c' && args[i + 1]) {
        const setting = args[i + 1].value ?? '';
        const m = wholeLine(/^http\.(.+\.)?sslverify=(.*)$/i, setting);
        if (m && FALSE.test(m[2])) hits.push({ from: args[i], to: args[i + 1], what: `git -c ${setting}` });
        i++;
        continue;
      }
      if (v === '-C' || v === '--git-dir' || v === '--work-tree' || v === '--namespace') { i++; continue; }
      if (v === null || !v.startsWith('-')) break;
    }
    if (values[i] !== 'config') return hits;
    const pos = positionals(args.slice(i + 1), new Set(['-f', '--file', '--blob', '--type', '--default', '--comment']));
    const keyAt = pos[0]?.value === 'set' ? 1 : 0;
    const key = pos[keyAt];
    const value = pos[keyAt + 1];
    if (key?.value && value?.value && /^http\.(.+\.)?sslverify$/i.test(key.value) && FALSE.test(value.value)) {
      hits.push({ from: key, to: value, what: `git config ${key.value} ${value.value}` });
    }
    return hits;
  }
  if (program === 'conda' || program === 'mamba' || program === 'micromamba') {
    args.forEach((a, i) => {
      if (a.value === '--set' && args[i + 1]?.value === 'ssl_verify' && args[i + 2]?.value && FALSE.test(args[i + 2].value!)) {
        hits.push({ from: args[i + 1], to: args[i + 2], what: `${program} config --set ssl_verify ${args[i + 2].value}` });
      }
    });
    return hits;
  }
  if (program === 'composer') {
    const pos = positionals(args);
    if (pos[0]?.value === 'config' && pos[1]?.value === 'disable-tls' && /^(true|1)$/i.test(pos[2]?.value ?? '')) {
      hits.push({ from: pos[1], to: pos[2], what: 'composer config disable-tls true' });
    }
    return hits;
  }
  if (YUM_FAMILY.has(program)) {
    args.forEach((a, i) => {
      const v = a.value ?? '';
      const attached = wholeLine(/^--setopt=(.+\.)?sslverify=(.*)$/i, v);
      if (attached && FALSE.test(attached[2])) hits.push({ from: a, to: a, what: v });
      if (v === '--setopt' && args[i + 1]?.value) {
        const m = wholeLine(/^(.+\.)?sslverify=(.*)$/i, args[i + 1].value!);
        if (m && FALSE.test(m[2])) hits.push({ from: a, to: args[i + 1], what: `--setopt ${args[i + 1].value}` });
      }
    });
    return hits;
  }
  if (program === 'apt-get' || program === 'apt' || program === 'aptitude') {
    args.forEach((a, i) => {
      const v = a.value ?? '';
      let setting: string | null = null;
      let end = a;
      if ((v === '-o' || v === '--option') && args[i + 1]?.value) { setting = args[i + 1].value; end = args[i + 1]; }
      else if (v.startsWith('-o') && v.length > 2 && !v.startsWith('--')) setting = v.slice(2);
      else if (v.startsWith('--option=')) setting = v.slice(9);
      const m = setting && wholeLine(/^Acquire::https::(.+::)?Verify-(Peer|Host)=(.*)$/i, setting);
      if (m && FALSE.test(m[3])) hits.push({ from: a, to: end, what: `-o ${setting}` });
    });
  }
  return hits;
});

// `$NAME` and `${NAME` of the variables an ENV fix may remove, in any case (more than Mentions looks for,
// never less).
const REMOVABLE_MENTION = new RegExp(`\\$\\{?(${Object.keys(ENV_VARS).filter((name) => ENV_VARS[name].removable).join('|')})\\b`, 'gi');

/**
 * How often the file mentions each variable an ENV fix may remove. A stage's ENV is removed by its fix only
 * when nothing outside the ENV mentions the variable: with the stage's own text (its key), these counts tell.
 */
function removableMentions(model: DockerfileModel): string {
  const counts = new Map<string, number>();
  for (const m of model.text.matchAll(REMOVABLE_MENTION)) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).join(';');
}

/**
 * Whether `$name` or `${name` appears in the text with the span [start, end) cut out, as a search of that
 * cut text would find it. The mentions of each name are found once per lint (a file may set the variable in
 * thousands of ENVs); only a mention across the cut needs a look at the text around it.
 */
class Mentions {
  private readonly found = new Map<string, { pattern: RegExp; spans: Array<[number, number]> }>();

  constructor(private readonly text: string) {}

  outside(name: string, start: number, end: number): boolean {
    let known = this.found.get(name);
    if (!known) {
      const pattern = new RegExp(`\\$\\{?${name.replace(/[$^\\.*+?()[\]{}|]/g, '\\$&')}\\b`, 'g');
      const spans: Array<[number, number]> = [];
      for (const m of this.text.matchAll(pattern)) spans.push([m.index, m.index + m[0].length]);
      this.found.set(name, (known = { pattern, spans }));
    }
    const { pattern, spans } = known;
    // A mention ends with the name: `\b` looks at the next character, which must lie on the same side.
    if (spans.length && (spans[0][1] < start || spans[spans.length - 1][0] >= end)) return true;
    // Around the cut: a mention starting before it that the cut text may join or end differently.
    const before = this.text.slice(Math.max(0, start - name.length - 2), start);
    const around = before + this.text.slice(end, end + name.length + 3);
    pattern.lastIndex = 0;
    for (const m of around.matchAll(pattern)) if (m.index < before.length) return true;
    return false;
  }
}

function envFix(model: DockerfileModel, instruction: Instruction, property: Property, rule: EnvRule, mentions: Mentions): Hit['fix'] {
  const title = { en: `Remove ENV ${property.getName()}`, es: `Quitar ENV ${property.getName()}` };
  const properties = (instruction as unknown as { getProperties(): Property[] }).getProperties();
  if (instruction.getKeyword() !== 'ENV' || !rule.removable || properties.length !== 1) return { title, edit: null };
  const range = instruction.getRange();
  if (mentions.outside(property.getName(), model.offsetAt(range.start), model.offsetAt(range.end))) return { title, edit: null };
  return { title, edit: deleteInstruction(model, instruction) };
}

export const tlsVerificationDisabled: Rule = {
  meta: {
    id: 'tls-verification-disabled',
    sections: ['3.1.4'],
    severity: 'error',
    fixable: true,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Keep TLS certificate verification on',
        why: 'HTTPS only proves who you are talking to when the certificate is checked. Flags such as `curl -k`, `wget --no-check-certificate`, `pip --trusted-host` or `NODE_TLS_REJECT_UNAUTHORIZED=0` accept any certificate, so anyone between the build and the server can hand over modified packages and scripts. Set in ENV, the weakness also stays in the running container.',
        how: 'Remove the option or variable. If a server uses a private certificate authority, install that CA in the image (e.g. copy it to /usr/local/share/ca-certificates and run update-ca-certificates) or point the tool at it (`--cacert`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`, `http.sslCAInfo`).',
      },
      es: {
        title: 'Mantén activa la verificación de certificados TLS',
        why: 'HTTPS solo garantiza con quién hablas si se comprueba el certificado. Opciones como `curl -k`, `wget --no-check-certificate`, `pip --trusted-host` o `NODE_TLS_REJECT_UNAUTHORIZED=0` aceptan cualquier certificado, así que cualquiera entre el build y el servidor puede entregar paquetes y scripts modificados. Si se fija con ENV, la debilidad sigue también en el contenedor en ejecución.',
        how: 'Quita la opción o la variable. Si un servidor usa una autoridad de certificación privada, instala esa CA en la imagen (por ejemplo, cópiala a /usr/local/share/ca-certificates y ejecuta update-ca-certificates) o indícasela a la herramienta (`--cacert`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`, `http.sslCAInfo`).',
      },
    },
  },
  stageContext: removableMentions,
  check({ model, report }) {
    const hits: Hit[] = [];
    const mentions = new Mentions(model.text);
    for (const instruction of model.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'ENV' || keyword === 'ARG') {
        const properties = (instruction as unknown as { getProperties(): Property[] }).getProperties();
        for (const property of properties) {
          const rule = envRule(property.getName());
          const raw = property.getValue();
          if (!rule || raw === null) continue;
          const value = model.expand(raw, instruction.getRange().start.line);
          if (value === null || !rule.disables(value)) continue;
          hits.push({ range: property.getRange(), what: `${property.getName()}=${value}`, fix: envFix(model, instruction, property, rule, mentions) });
        }
        continue;
      }
      if (keyword !== 'RUN') continue;
      const shell = model.shellOf(instruction);
      if (!shell) continue;
      for (const command of shell.script.commands) {
        for (const hit of commandHits(command)) {
          if (hit.option) {
            const o = hit.option;
            const edit = o.valueWord ? null : o.letter >= 0 ? removeLetter(model, shell, o) : removeWords(model, shell, [o.word]);
            hits.push({ range: optionRange(model, shell, o), what: hit.what, fix: { title: REMOVE_FLAG, edit } });
          } else {
            hits.push({ range: wordRange(model, shell, hit.from, hit.to), what: hit.what });
          }
        }
      }
      for (const assignment of assignmentsIn(shell)) {
        const rule = envRule(assignment.name);
        if (!rule) continue;
        let value = assignment.value;
        if (value === null) {
          const text = shell.source.slice(assignment.valueStart, assignment.end);
          value = model.expand(text.replace(/^"(.*)"$/s, '$1'), instruction.getRange().start.line);
        }
        if (value === null || !rule.disables(value)) continue;
        hits.push({ range: model.rangeOf(shell.offset + assignment.start, shell.offset + assignment.end), what: `${assignment.name}=${value}` });
      }
      for (const m of writtenHits(shell)) {
        hits.push({ range: model.rangeOf(shell.offset + m.start, shell.offset + m.end), what: m.text.trim() });
      }
    }
    const seen = new Set<string>();
    for (const hit of hits) {
      const key = JSON.stringify(hit.range);
      if (seen.has(key)) continue;
      seen.add(key);
      const fixes: LocalizedFix[] = hit.fix?.edit ? [{ title: hit.fix.title, kind: 'quickfix', edits: [hit.fix.edit] }] : [];
      report({
        range: hit.range,
        message: {
          en: `\`${hit.what}\` turns off TLS certificate verification: anyone on the network path can serve tampered downloads. Trust the server's CA instead.`,
          es: `\`${hit.what}\` desactiva la verificación de certificados TLS: cualquiera en el camino de red puede servir descargas manipuladas. Confía en la CA del servidor en su lugar.`,
        },
        fixes,
      });
    }
  },
};
