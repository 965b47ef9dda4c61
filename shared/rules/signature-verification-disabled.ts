// 3.1.4 Integridad de dependencias / 2.3.3 Verificar las imágenes: package managers check the signature of
// every package and repository index against the distribution's keys. Options that skip that check let an
// unsigned or altered package in without a word.
//
// Flagged (error), in every stage:
// - apk `--allow-untrusted` (not for `apk index`, which only builds an index of local packages);
// - apt-get/apt/aptitude `--allow-unauthenticated`, `--force-yes`, `--allow-insecure-repositories`,
//   `--allow-downgrade-to-insecure-repositories`, `-o APT::Get::AllowUnauthenticated=true`,
//   `-o Acquire::AllowInsecureRepositories=true` (and the downgrade variant);
// - yum/dnf/microdnf/tdnf and yum-config-manager `--nogpgcheck`, `--no-gpgchecks`, `--setopt=[repo.]gpgcheck=0`;
// - rpm/rpmkeys `--nosignature`, `--nodigest`; zypper `--no-gpg-checks`, `addrepo --no-gpgcheck`/`-G`;
// - text written into repository configuration by echo/printf (redirected or through tee), sed or
//   add-apt-repository: `[trusted=yes]` on a `deb` line, `Trusted: yes`, `gpgcheck=0`, apt.conf's
//   `AllowUnauthenticated "true"` / `AllowInsecureRepositories "true"`;
// - DOCKER_CONTENT_TRUST=0 (2.3.3) and GOSUMDB=off (Go's checksum database) in ENV, ARG defaults and RUN
//   assignments, `go env -w GOSUMDB=off`.
// Not flagged:
// - `[trusted=yes]` repositories on `file:`/`copy:` URIs (packages built in the same build, as official
//   images do);
// - installing only local package files (`apk add --allow-untrusted /tmp/pkgs/*.apk`): packages built or
//   copied in by the build are not fetched. Unless a curl/wget of the stage downloaded one of them and no
//   verification command of the stage (`gpg --verify`, `sha256sum -c`) named it up to that RUN;
// - `repo_gpgcheck=0` (the metadata check, off by default), text that is only printed (echo without a
//   redirection), exec-form RUN and heredoc bodies (not parsed).
// Range: the option (with its value for `-o`/`--setopt` pairs) or the setting inside the written text.
// Quick fix: remove the option word (or `-o`/`--setopt` and its value) when the command installs packages
// from repositories; none when it also installs local package files (an unsigned file would then fail to
// install), nor for written text.
import type { Instruction, Property } from 'dockerfile-ast';
import type { DockerfileModel, RunShell } from '../dockerfile';
import type { Rule } from '../rule';
import {
  assignmentsIn, downloadsIn, matchesInWord, programCall, removeWords, verifiedNames, writtenTexts,
} from '../shell/downloads';
import { packageManagerCall, stripEdgeQuotes, wholeLine } from '../shell/commands';
import { memoByObject, memoByScript } from '../memo';
import type { ShellCommand, ShellWord } from '../shell/parser';
import type { LocalizedFix, Range, TextEdit } from '../types';
import { lookupTable } from '../lookupTable';

interface Hit {
  range: Range;
  what: string;
  edit?: TextEdit | null;
}

const TRUE = /^(true|1|yes|on)$/i;
const FALSE = /^(false|0|no|off)$/i;

const APT_FLAGS = new Set(['--allow-unauthenticated', '--force-yes', '--allow-insecure-repositories', '--allow-downgrade-to-insecure-repositories']);
const APT_OPTIONS = /^(APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories)=(.*)$/i;
const RPM_MANAGERS = /^(yum|dnf|microdnf|tdnf|yum-config-manager|dnf-3|dnf5)$/;
const LOCAL_PACKAGE = /\.(apk|rpm|deb)$/i;

// Settings written into repository configuration.
const WRITTEN: RegExp[] = [
  /(?<![\w-])gpgcheck[ \t]{0,8}=[ \t]{0,8}(0|false|no|off)\b/i,
  /Allow(Unauthenticated|InsecureRepositories|DowngradeToInsecureRepositories)[ \t]{0,8}"?[ \t]{0,8}(true|1|yes)\b"?/i,
  /(^|\n)[ \t]{0,8}Trusted:[ \t]{0,8}yes\b/i,
];
// `deb [trusted=yes] <uri> ...`: the option is the finding, the URI decides (local ones are fine).
const TRUSTED_DEB = /\bdeb(-src)?[ \t]{1,8}\[([^\]\n]{0,200})\][ \t]{0,8}(\S+)/g;

const ENV_VARS: Record<string, (v: string) => boolean> = lookupTable({
  DOCKER_CONTENT_TRUST: (v) => FALSE.test(v) || v === '',
  GOSUMDB: (v) => v === 'off',
});

function wordRange(model: DockerfileModel, shell: RunShell, from: ShellWord, to: ShellWord = from): Range {
  return model.rangeOf(shell.offset + from.start, shell.offset + to.end);
}

/** The package files a command installs from disk (`./x.apk`, `/tmp/*.rpm`, as written), and whether it names anything else. */
function localPackages(operands: ShellWord[]): { files: string[]; others: boolean } {
  const files: string[] = [];
  let others = false;
  for (const a of operands) {
    if (a.value !== null && a.value.startsWith('-')) continue;
    const text = a.value ?? stripEdgeQuotes(a.text);
    if (LOCAL_PACKAGE.test(text) && !/^[a-z]+:\/\//i.test(text)) files.push(text.split('/').pop()!);
    else others = true;
  }
  return { files, others };
}

/** `[trusted=yes]` in an apt source line of a word, at offsets in the script. */
function trustedDebMatches(word: ShellWord, part: { from: number; to: number } | undefined): Array<{ start: number; end: number }> {
  const value = word.value;
  if (value === null) return [];
  const scope = part ? value.slice(part.from, part.to) : value;
  for (const m of scope.matchAll(TRUSTED_DEB)) {
    if (!/(^|\s)trusted=yes(\s|$)/i.test(m[2].trim().replace(/\s+/g, ' '))) continue;
    if (/^(file|copy):/i.test(m[3])) continue;
    return matchesInWord(word, /trusted=yes/i, part);
  }
  return [];
}

interface StageFiles {
  /** Basenames saved by curl/wget in the stage up to this RUN. */
  downloaded: Set<string>;
  /** Basenames that verification commands of the stage named up to this RUN. */
  verified: Set<string>;
}

/** What a command would report: words (with whether a fix removes them), or a span of the script. */
type Candidate = { words: ShellWord[]; what: string; quietable: boolean; removable: boolean; start?: undefined; end?: undefined }
  | { start: number; end: number; what: string; words?: undefined };

interface CommandCandidates {
  hits: Candidate[];
  /** The package files it installs from disk, and whether it installs nothing else. */
  files: string[];
  localInstall: boolean;
}

/**
 * A command's hits before its RUN's context is known: once per command, which the RUN cache keeps across lints.
 * A hit on an install of package files is dropped at the lint unless a download of the stage fetched one of them
 * unverified (`files`); ranges and fixes are placed at each lint.
 */
const commandCandidates = memoByObject((command: ShellCommand): CommandCandidates => {
  const candidates: CommandCandidates = { hits: [], files: [], localInstall: false };
  const hits = candidates.hits;
  const call = programCall(command);
  if (!call) return candidates;
  const { program, args } = call;
  const managed = packageManagerCall(command);
  const local = localPackages(managed ? managed.operands : args);
  candidates.localInstall = local.files.length > 0 && !local.others;
  candidates.files = local.files;
  const flag = (from: ShellWord, to: ShellWord = from) => {
    const words = from === to ? [from] : [from, to];
    hits.push({ words, what: words.map((w) => w.value).join(' '), quietable: true, removable: local.files.length === 0 });
  };
  const optionValue = (i: number, short: string, long: string): { setting: string; end: ShellWord } | null => {
    const v = args[i].value ?? '';
    if ((v === short || v === long) && args[i + 1]?.value) return { setting: args[i + 1].value!, end: args[i + 1] };
    if (v.startsWith(short) && v.length > short.length && !v.startsWith('--')) return { setting: v.slice(short.length), end: args[i] };
    if (v.startsWith(`${long}=`)) return { setting: v.slice(long.length + 1), end: args[i] };
    return null;
  };

  if (program === 'apk') {
    const sub = args.find((a) => a.value !== null && !a.value.startsWith('-'))?.value;
    if (sub === 'index') return candidates;
    for (const a of args) if (a.value === '--allow-untrusted') flag(a);
    return candidates;
  }
  if (program === 'apt-get' || program === 'apt' || program === 'aptitude') {
    args.forEach((a, i) => {
      if (a.value !== null && APT_FLAGS.has(a.value)) { flag(a); return; }
      const option = optionValue(i, '-o', '--option');
      const m = option && APT_OPTIONS.exec(option.setting);
      if (option && m && TRUE.test(m[2].replace(/"/g, ''))) flag(a, option.end);
    });
    return candidates;
  }
  if (RPM_MANAGERS.test(program) || (program === 'dnf' && args[0]?.value === 'config-manager')) {
    args.forEach((a, i) => {
      const v = a.value ?? '';
      if (v === '--nogpgcheck' || v === '--no-gpgchecks' || v === '--nogpgchecks') { flag(a); return; }
      const option = optionValue(i, '--setopt', '--setopt');
      const m = option && wholeLine(/^(?:.+\.)?gpgcheck=(.*)$/i, option.setting);
      if (option && m && !/(^|\.)(repo_|localpkg_)gpgcheck=/i.test(option.setting) && FALSE.test(m[1])) flag(a, option.end);
    });
    return candidates;
  }
  if (program === 'rpm' || program === 'rpmkeys') {
    for (const a of args) if (a.value === '--nosignature' || a.value === '--nodigest') flag(a);
    return candidates;
  }
  if (program === 'zypper') {
    const sub = args.find((a) => a.value !== null && !a.value.startsWith('-'))?.value;
    for (const a of args) {
      if (a.value === '--no-gpg-checks' || a.value === '--no-gpgcheck' || (a.value === '-G' && (sub === 'ar' || sub === 'addrepo'))) flag(a);
    }
    return candidates;
  }
  if (program === 'add-apt-repository') {
    for (const a of args) for (const m of trustedDebMatches(a, undefined)) hits.push({ ...m, what: '[trusted=yes]' });
    return candidates;
  }
  if (program === 'go') {
    const pos = args.filter((a) => !a.value?.startsWith('-'));
    if (pos[0]?.value === 'env' && args.some((a) => a.value === '-w')) {
      for (const a of pos.slice(1)) if (a.value === 'GOSUMDB=off') hits.push({ words: [a], what: 'GOSUMDB=off', quietable: false, removable: false });
    }
  }
  return candidates;
});

/** Settings written into files by a RUN's script, at offsets in the script: once per script. */
const writtenHits = memoByScript((shell: RunShell): Array<{ start: number; end: number; what: string }> => {
  const found: Array<{ start: number; end: number; what: string }> = [];
  for (const written of writtenTexts(shell)) {
    if (!written.targets.length) continue;
    for (const word of written.words) {
      const part = written.parts.get(word);
      for (const m of trustedDebMatches(word, part)) found.push({ ...m, what: '[trusted=yes]' });
      for (const pattern of WRITTEN) {
        for (const m of matchesInWord(word, pattern, part)) found.push({ start: m.start, end: m.end, what: m.text.trim() });
      }
    }
  }
  return found;
});

function downloadedNames(shells: RunShell[]): Set<string> {
  const names = new Set<string>();
  for (const shell of shells) {
    for (const d of downloadsIn(shell)) {
      if (d.sink.kind !== 'file') continue;
      for (const f of d.sink.files) if (f !== null) names.add(f.split('/').pop()!);
    }
  }
  return names;
}

function propertiesOf(instruction: Instruction): Property[] {
  return (instruction as unknown as { getProperties(): Property[] }).getProperties();
}

export const signatureVerificationDisabled: Rule = {
  meta: {
    id: 'signature-verification-disabled',
    sections: ['3.1.4', '2.3.3'],
    severity: 'error',
    fixable: true,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Keep package signature checks on',
        why: 'apk, apt, dnf/yum, rpm and zypper refuse packages and repository indexes that are not signed by a trusted key. Options such as `--allow-untrusted`, `--allow-unauthenticated`, `--nogpgcheck`, `gpgcheck=0` or `[trusted=yes]` remove that protection, so a tampered mirror or a man in the middle can install whatever it wants, and nothing in the build output shows it.',
        how: 'Remove the option. For a third-party repository, import its signing key (into /etc/apt/keyrings with `signed-by=`, /etc/apk/keys, or `rpm --import`) instead of trusting it blindly. For a downloaded package file, verify its checksum or signature before installing it.',
      },
      es: {
        title: 'Mantén la comprobación de firmas de paquetes',
        why: 'apk, apt, dnf/yum, rpm y zypper rechazan paquetes e índices de repositorio que no estén firmados por una clave de confianza. Opciones como `--allow-untrusted`, `--allow-unauthenticated`, `--nogpgcheck`, `gpgcheck=0` o `[trusted=yes]` eliminan esa protección, de modo que un mirror manipulado o alguien en medio puede instalar lo que quiera, sin que nada lo muestre en la salida del build.',
        how: 'Quita la opción. Para un repositorio de terceros, importa su clave de firma (en /etc/apt/keyrings con `signed-by=`, en /etc/apk/keys o con `rpm --import`) en lugar de confiar en él a ciegas. Para un paquete descargado como fichero, verifica su checksum o su firma antes de instalarlo.',
      },
    },
  },
  check({ model, report }) {
    const hits: Hit[] = [];
    for (const instruction of model.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'ENV' || keyword === 'ARG') {
        for (const property of propertiesOf(instruction)) {
          const test = ENV_VARS[property.getName()];
          const raw = property.getValue();
          if (!test || raw === null) continue;
          const value = model.expand(raw, instruction.getRange().start.line);
          if (value !== null && test(value)) hits.push({ range: property.getRange(), what: `${property.getName()}=${value}` });
        }
      }
    }
    for (const stage of model.stages) {
      const runs = [...model.runsOf(stage)];
      runs.forEach(({ instruction, shell }, position) => {
        let files: StageFiles | null = null;
        const stageFiles = () => (files ??= {
          downloaded: downloadedNames(runs.slice(0, position + 1).map((r) => r.shell)),
          verified: verifiedNames(runs.slice(0, position + 1).map((r) => r.shell)),
        });
        for (const command of shell.script.commands) {
          const { hits: found, files, localInstall } = commandCandidates(command);
          // Package files on disk were built or copied in by the build itself: the check only matters for the
          // ones a curl/wget of the stage fetched, and not when a verification of the stage named them.
          let quiet: boolean | null = null;
          for (const hit of found) {
            if (hit.words === undefined) {
              hits.push({ range: model.rangeOf(shell.offset + hit.start, shell.offset + hit.end), what: hit.what });
              continue;
            }
            if (hit.quietable && (quiet ??= localInstall && !files.some((f) => stageFiles().downloaded.has(f) && !stageFiles().verified.has(f)))) continue;
            const [from, to = from] = hit.words;
            hits.push({ range: wordRange(model, shell, from, to), what: hit.what, edit: hit.removable ? removeWords(model, shell, hit.words) : null });
          }
        }
        for (const assignment of assignmentsIn(shell)) {
          const test = ENV_VARS[assignment.name];
          if (!test) continue;
          const value = assignment.value ?? model.expand(shell.source.slice(assignment.valueStart, assignment.end).replace(/^"(.*)"$/s, '$1'), instruction.getRange().start.line);
          if (value !== null && test(value)) hits.push({ range: model.rangeOf(shell.offset + assignment.start, shell.offset + assignment.end), what: `${assignment.name}=${value}` });
        }
        for (const m of writtenHits(shell)) {
          hits.push({ range: model.rangeOf(shell.offset + m.start, shell.offset + m.end), what: m.what });
        }
      });
    }
    const seen = new Set<string>();
    for (const hit of hits) {
      const key = JSON.stringify(hit.range);
      if (seen.has(key)) continue;
      seen.add(key);
      const fixes: LocalizedFix[] = hit.edit
        ? [{ title: { en: `Remove ${hit.what}`, es: `Quitar ${hit.what}` }, kind: 'quickfix', edits: [hit.edit] }]
        : [];
      report({
        range: hit.range,
        message: {
          en: `\`${hit.what}\` turns off signature verification: unsigned or tampered content would be accepted. Keep the check on and trust the publisher's key instead.`,
          es: `\`${hit.what}\` desactiva la verificación de firmas: se aceptaría contenido sin firmar o manipulado. Mantén la comprobación y confía en la clave del publicador.`,
        },
        fixes,
      });
    }
  },
};
