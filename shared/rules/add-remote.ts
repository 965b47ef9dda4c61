// 3.1.5 COPY o ADD (and 3.1.4): `ADD <url>` downloads at build time without any check, hidden behind an
// instruction that looks like a local copy. The guide prefers an explicit RUN for remote downloads.
//
// Flagged (warning), in every stage: ADD with an http(s), ftp or git source (prefer-copy's classifySource
// says `remote`, ARG/ENV resolved) when the ADD has no `--checksum`. With `--checksum` BuildKit verifies the
// file, which settles the integrity concern: not flagged. A git source pinned to a full commit hash
// (`...git#<40 hex>`) is not flagged either: the commit id fixes the content.
// Ownership: this rule is the one that reports a remote ADD without `--checksum`; download-unverified only
// covers curl/wget, so the same ADD is not reported twice for the same reason. plain-http may still report
// an `http://` source: that is a different problem (the transport).
// Range: the remote source operand.
// Action (refactor, never applied by fix-all): for one http(s) source, rewrite the ADD as
// `RUN curl -fsSL --create-dirs -o <dest> <url> && echo "<sha256>  <dest>" | sha256sum -c -` (a directory
// destination ending in `/` gets the URL's last path segment; `--chown`/`--chmod` become chown/chmod). The
// `<sha256>` placeholder must be filled in by the user, so it is never a quick fix. It is offered only when
// the stage has a POSIX shell (not scratch, distroless, Windows or a non-POSIX SHELL) and the ADD has no
// other flags. It assumes curl exists in the image. Git sources get no action (use `git clone` and check out
// a commit).
import type { Add, Flag } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from '../dockerfile';
import { imageFamily } from '../images';
import type { Rule } from '../rule';
import { addOperands, isGitSource, stageHasShell, urlFileName, type AddOperands } from '../shell/downloads';
import type { LocalizedFix } from '../types';
import { classifySource } from './prefer-copy';

/** Quotes a word for the shell unless it is plain; `$VAR` stays expandable. */
function shellWord(text: string): string {
  if (/^[A-Za-z0-9_./:@%+=,~${}-]+$/.test(text)) return text;
  return `"${text.replace(/(["\\`])/g, '\\$1')}"`;
}

function rewrite(model: DockerfileModel, add: Add, stage: Stage, operands: AddOperands): LocalizedFix[] {
  if (operands.sources.length !== 1) return [];
  const source = operands.sources[0];
  if (!/^https?:\/\//i.test(source.value ?? source.text) || isGitSource(source.value ?? source.text)) return [];
  if (!stageHasShell(model, stage, imageFamily(model.rootImage(stage)))) return [];
  const flags = add.getFlags() as Flag[];
  let chown: string | null = null;
  let chmod: string | null = null;
  for (const flag of flags) {
    const name = flag.getName().toLowerCase();
    const value = flag.getValue();
    if (name === 'chown' && value) chown = value;
    else if (name === 'chmod' && value) chmod = value;
    else return [];
  }
  let dest = operands.dest.text;
  if (dest.endsWith('/')) {
    const name = urlFileName(source.text);
    if (!name) return [];
    dest += name;
  }
  const url = shellWord(source.text);
  const file = shellWord(dest);
  const keyword = model.index.textIn(add.getInstructionRange());
  const run = keyword === keyword.toLowerCase() ? 'run' : 'RUN';
  const checksumTarget = dest.replace(/(["\\`])/g, '\\$1');
  let script = `curl -fsSL --create-dirs -o ${file} ${url} && echo "<sha256>  ${checksumTarget}" | sha256sum -c -`;
  if (chown) script += ` && chown ${shellWord(chown)} ${file}`;
  if (chmod) script += ` && chmod ${shellWord(chmod)} ${file}`;
  return [{
    title: { en: 'Download with RUN curl and check a SHA-256 (fill in <sha256>)', es: 'Descargar con RUN curl y comprobar un SHA-256 (rellena <sha256>)' },
    kind: 'refactor',
    edits: [{ range: add.getRange(), newText: `${run} ${script}` }],
  }];
}

export const addRemote: Rule = {
  meta: {
    id: 'add-remote',
    sections: ['3.1.5', '3.1.4'],
    severity: 'warning',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Do not download with ADD',
        why: 'ADD fetches a URL as part of what looks like a file copy, and by default nothing checks what came back. Whatever the server returns on the day of the build goes into the image, and the Dockerfile does not make the download explicit.',
        how: 'Download in a RUN step and check the file against a pinned SHA-256 before using it (`curl -fsSLo file <url> && echo "<sha256>  file" | sha256sum -c -`), or add `--checksum=sha256:<hash>` to the ADD. For a git repository, clone it and check out a specific commit.',
      },
      es: {
        title: 'No descargues con ADD',
        why: 'ADD descarga una URL dentro de lo que parece una copia de ficheros y, por defecto, nada comprueba lo recibido. Lo que devuelva el servidor el día del build acaba en la imagen, y el Dockerfile no deja explícita la descarga.',
        how: 'Descarga en un paso RUN y comprueba el fichero con un SHA-256 fijado antes de usarlo (`curl -fsSLo fichero <url> && echo "<sha256>  fichero" | sha256sum -c -`), o añade `--checksum=sha256:<hash>` al ADD. Para un repositorio git, clónalo y haz checkout de un commit concreto.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'ADD') continue;
        const add = instruction as Add;
        if ((add.getFlags() as Flag[]).some((f) => f.getName().toLowerCase() === 'checksum' && (f.getValue() ?? '') !== '')) continue;
        const operands = addOperands(model, add);
        if (!operands) continue;
        for (const source of operands.sources) {
          if (source.value === null || classifySource(source.value) !== 'remote') continue;
          const git = isGitSource(source.value);
          if (git && /#[0-9a-f]{40}(:|$)/i.test(source.value)) continue;
          report({
            range: source.range,
            message: git
              ? {
                en: 'ADD clones a git repository without pinning a commit: clone it in a RUN step and check out a specific commit hash.',
                es: 'ADD clona un repositorio git sin fijar un commit: clónalo en un paso RUN y haz checkout de un hash de commit concreto.',
              }
              : {
                en: 'ADD downloads this URL without checking it: download it in a RUN step and verify a pinned SHA-256 (or add --checksum).',
                es: 'ADD descarga esta URL sin comprobarla: descárgala en un paso RUN y verifica un SHA-256 fijado (o añade --checksum).',
              },
            fixes: rewrite(model, add, stage, operands),
          });
        }
      }
    }
  },
};
