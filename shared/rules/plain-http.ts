// 3.1.4 Integridad de dependencias: a download over plain HTTP can be read and rewritten by anyone on the
// way, and nothing tells the build.
//
// Flagged (warning), in every stage: `http://` URLs that the build fetches with
// - curl and wget (the URL operands, `--url`);
// - ADD sources;
// - git clone/fetch/pull/ls-remote/submodule/remote;
// - pip `--index-url`/`-i`, `--extra-index-url`, `--find-links`/`-f`, requirement URLs, `pip config set
//   *.index-url`; PIP_INDEX_URL / PIP_EXTRA_INDEX_URL / PIP_FIND_LINKS;
// - npm/yarn/pnpm `--registry`, `config set registry`; npm_config_registry / YARN_REGISTRY /
//   YARN_NPM_REGISTRY_SERVER (in ENV, ARG defaults and RUN assignments).
// ARG/ENV values are resolved; a URL whose host is only known at build time is left alone.
// Not flagged: a curl/wget download saved to a file in a RUN that verifies a checksum or signature, and an
// ADD with `--checksum` (tampering then fails the build: official images fetch over http that way); loopback hosts (localhost, 127.0.0.0/8, [::1], 0.0.0.0); package manager repositories
// (apt sources, apk repositories, yum repos), whose indexes are signed and checked whatever the transport;
// proxies (`-x http://proxy`), which tunnel https; HEALTHCHECK/CMD (run time, not the build).
// Range: the URL word (for a URL inside a longer word, the URL). Action (refactor, never applied by fix-all):
// switch the written `http://` to `https://`, which only works when the server speaks TLS.
import type { Instruction, Property } from 'dockerfile-ast';
import type { DockerfileModel, RunShell } from '../dockerfile';
import type { Rule } from '../rule';
import {
  addOperands, assignmentsIn, downloadsIn, isLoopbackHost, isVerification, parseUrl, programCall, transferOf,
} from '../shell/downloads';
import type { ShellCommand, ShellWord } from '../shell/parser';
import type { LocalizedFix } from '../types';

interface Candidate {
  /** Document offsets of the text holding the URL. */
  start: number;
  end: number;
  /** The URL as resolved (ARG/ENV expanded), or null when unknown. */
  url: string | null;
  /** The URL as written in the document, when it can be located. */
  written: string;
}

const ENV_URLS = /^(PIP_INDEX_URL|PIP_EXTRA_INDEX_URL|PIP_FIND_LINKS|YARN_REGISTRY|YARN_NPM_REGISTRY_SERVER)$|^npm_config_registry$/i;
const PIP_URL_OPTIONS = new Set(['--index-url', '-i', '--extra-index-url', '--find-links', '-f']);
const GIT_FETCHING = new Set(['clone', 'fetch', 'pull', 'ls-remote', 'submodule', 'remote']);

function unquote(text: string): string {
  return /^(["']).*\1$/s.test(text) ? text.slice(1, -1) : text;
}

/** Resolves a shell word: its value, or its text with ARG/ENV expanded (single quotes: as is). */
function resolve(model: DockerfileModel, word: ShellWord, line: number): string | null {
  if (word.value !== null) return word.value;
  if (word.text.startsWith("'")) return unquote(word.text);
  return model.expand(unquote(word.text), line);
}

/** The `http://host` part is known (the rest may not be): flag even when the path has variables. */
function httpHost(url: string | null, written: string): { host: string } | null {
  for (const candidate of [url, unquote(written)]) {
    if (candidate === null) continue;
    const parsed = parseUrl(candidate);
    if (!parsed) continue;
    if (parsed.scheme !== 'http') return null;
    if (parsed.host.includes('$') || parsed.host === '') continue;
    return { host: parsed.host };
  }
  return null;
}

function fromWord(model: DockerfileModel, shell: RunShell, word: ShellWord, line: number, offsetInValue = 0): Candidate {
  const value = resolve(model, word, line);
  const url = value === null ? null : value.slice(offsetInValue);
  // Locate the URL text inside the word (`--index-url=http://...`).
  const at = word.text.indexOf('http://');
  const start = shell.offset + word.start + (offsetInValue && at >= 0 ? at : 0);
  return { start, end: shell.offset + word.end, url, written: word.text.slice(offsetInValue && at >= 0 ? at : 0) };
}

function commandCandidates(model: DockerfileModel, shell: RunShell, command: ShellCommand, line: number, verifiedFiles: Set<ShellCommand>, out: Candidate[]): void {
  const transfer = transferOf(command);
  if (transfer) {
    if (verifiedFiles.has(command)) return;
    for (const url of transfer.urls) out.push(fromWord(model, shell, url, line));
    return;
  }
  const call = programCall(command);
  if (!call) return;
  const { program, args } = call;
  if (program === 'git') {
    let i = 0;
    for (; i < args.length; i++) {
      const v = args[i].value;
      if (v === '-c' || v === '-C' || v === '--git-dir' || v === '--work-tree') { i++; continue; }
      if (v === null || !v.startsWith('-')) break;
    }
    if (!GIT_FETCHING.has(args[i]?.value ?? '')) return;
    for (const a of args.slice(i + 1)) if (/^["']?http:\/\//.test(a.text) || a.value?.startsWith('http://')) out.push(fromWord(model, shell, a, line));
    return;
  }
  if (/^pip(\d+(\.\d+)*)?$/.test(program)) {
    args.forEach((a, i) => {
      const v = a.value ?? '';
      const eq = v.indexOf('=');
      if (v.startsWith('--') && eq > 0 && PIP_URL_OPTIONS.has(v.slice(0, eq))) out.push(fromWord(model, shell, a, line, eq + 1));
      else if (PIP_URL_OPTIONS.has(v) && args[i + 1]) out.push(fromWord(model, shell, args[i + 1], line));
      else if (/^-[if]http:\/\//.test(v)) out.push(fromWord(model, shell, a, line, 2));
      else if (!v.startsWith('-') && v.startsWith('http://') && !PIP_URL_OPTIONS.has(args[i - 1]?.value ?? '')) out.push(fromWord(model, shell, a, line));
    });
    const pos = args.filter((a) => !a.value?.startsWith('-'));
    if (pos[0]?.value === 'config' && pos[1]?.value === 'set' && pos[2]?.value) {
      const key = pos[2].value;
      const eq = key.indexOf('=');
      if (/^[\w-]+\.(index-url|extra-index-url|find-links)(=|$)/i.test(key)) {
        if (eq > 0) out.push(fromWord(model, shell, pos[2], line, eq + 1));
        else if (pos[3]) out.push(fromWord(model, shell, pos[3], line));
      }
    }
    return;
  }
  if (program === 'npm' || program === 'yarn' || program === 'pnpm') {
    args.forEach((a, i) => {
      const v = a.value ?? '';
      if (v.startsWith('--registry=')) out.push(fromWord(model, shell, a, line, 11));
      else if (v === '--registry' && args[i + 1]) out.push(fromWord(model, shell, args[i + 1], line));
    });
    const pos = args.filter((a) => !a.value?.startsWith('-'));
    const at = pos[0]?.value === 'config' && pos[1]?.value === 'set' ? 2 : pos[0]?.value === 'set' ? 1 : -1;
    const key = at > 0 ? pos[at]?.value : null;
    if (key && /^(@[\w.-]+:)?registry(=|$)/.test(key)) {
      const eq = key.indexOf('=');
      if (eq > 0) out.push(fromWord(model, shell, pos[at], line, eq + 1));
      else if (pos[at + 1]) out.push(fromWord(model, shell, pos[at + 1], line));
    }
  }
}

/** `http://` URLs inside an ENV/ARG value (a list may hold several). */
function envCandidates(model: DockerfileModel, instruction: Instruction, property: Property, out: Candidate[]): void {
  const range = property.getValueRange();
  const raw = property.getValue();
  if (!range || raw === null) return;
  const start = model.offsetAt(range.start);
  const text = model.text.slice(start, model.offsetAt(range.end));
  const line = instruction.getRange().start.line;
  for (const m of text.matchAll(/[^\s"',]+/g)) {
    const piece = m[0];
    if (!/^(https?:\/\/|\$)/.test(piece)) continue;
    out.push({ start: start + m.index!, end: start + m.index! + piece.length, url: model.expand(piece, line), written: piece });
  }
}

export const plainHttp: Rule = {
  meta: {
    id: 'plain-http',
    sections: ['3.1.4'],
    severity: 'warning',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Fetch dependencies over HTTPS',
        why: 'Plain HTTP has no encryption and no proof of who answered. Anyone on the network path (a Wi-Fi, a proxy, a compromised router or DNS) can swap the file, the package index or the repository the build fetches, and the build cannot notice.',
        how: 'Use the `https://` address of the same resource, and verify what you download with a checksum or signature. Package repositories with signed indexes (apt, apk, yum) are the exception: their signatures protect them.',
      },
      es: {
        title: 'Descarga las dependencias por HTTPS',
        why: 'HTTP sin cifrar no protege el contenido ni demuestra quién responde. Cualquiera en el camino de red (una wifi, un proxy, un router o un DNS comprometidos) puede cambiar el fichero, el índice de paquetes o el repositorio que descarga el build, y el build no puede notarlo.',
        how: 'Usa la dirección `https://` del mismo recurso y verifica lo que descargas con un checksum o una firma. Los repositorios de paquetes con índices firmados (apt, apk, yum) son la excepción: sus firmas los protegen.',
      },
    },
  },
  check({ model, report }) {
    const candidates: Candidate[] = [];
    for (const instruction of model.instructions) {
      const keyword = instruction.getKeyword();
      const line = instruction.getRange().start.line;
      if (keyword === 'ENV' || keyword === 'ARG') {
        for (const property of (instruction as unknown as { getProperties(): Property[] }).getProperties()) {
          if (ENV_URLS.test(property.getName())) envCandidates(model, instruction, property, candidates);
        }
      } else if (keyword === 'ADD') {
        if ((instruction as unknown as { getFlags(): Array<{ getName(): string }> }).getFlags().some((f) => f.getName().toLowerCase() === 'checksum')) continue;
        const operands = addOperands(model, instruction as never);
        for (const source of operands?.sources ?? []) {
          candidates.push({ start: source.start, end: source.end, url: source.value, written: model.text.slice(source.start, source.end) });
        }
      } else if (keyword === 'RUN') {
        const shell = model.shellOf(instruction);
        if (!shell) continue;
        // Files saved by a RUN that verifies a checksum or signature: tampering would fail the build.
        const verifiedFiles = new Set<ShellCommand>();
        if (shell.script.commands.some((c) => isVerification(shell, c))) {
          for (const d of downloadsIn(shell)) if (d.sink.kind === 'file') verifiedFiles.add(d.transfer.command);
        }
        for (const command of shell.script.commands) commandCandidates(model, shell, command, line, verifiedFiles, candidates);
        for (const assignment of assignmentsIn(shell)) {
          if (!ENV_URLS.test(assignment.name)) continue;
          const text = shell.source.slice(assignment.valueStart, assignment.end);
          const value = assignment.value ?? model.expand(unquote(text), line);
          candidates.push({ start: shell.offset + assignment.valueStart, end: shell.offset + assignment.end, url: value, written: text });
        }
      }
    }
    const seen = new Set<number>();
    for (const c of candidates) {
      const found = httpHost(c.url, c.written);
      if (!found || isLoopbackHost(found.host) || seen.has(c.start)) continue;
      seen.add(c.start);
      const at = model.text.indexOf('http://', c.start);
      const literal = at >= 0 && at < c.end && at <= c.start + 1;
      const fixes: LocalizedFix[] = literal
        ? [{
          title: { en: 'Use https:// (the server must support TLS)', es: 'Usar https:// (el servidor debe admitir TLS)' },
          kind: 'refactor',
          edits: [{ range: model.rangeOf(at, at + 'http://'.length), newText: 'https://' }],
        }]
        : [];
      report({
        range: model.rangeOf(c.start, c.end),
        message: {
          en: `\`${found.host}\` is fetched over plain HTTP: anyone on the network path can read or replace what the build downloads. Use HTTPS.`,
          es: `\`${found.host}\` se descarga por HTTP sin cifrar: cualquiera en el camino de red puede leer o reemplazar lo que descarga el build. Usa HTTPS.`,
        },
        fixes,
      });
    }
  },
};
