// 3.1.5 COPY o ADD: ADD also downloads URLs and unpacks local archives. For plain local files and
// folders those implicit behaviours add risk and nothing else, so COPY says what is meant.
import type { Add, Flag } from 'dockerfile-ast';
import type { DockerfileModel } from '../dockerfile';
import type { Rule } from '../rule';
import type { TextEdit } from '../types';

// Extensions that ADD would try to unpack (tar with identity, gzip, bzip2, xz or zstd compression).
const ARCHIVE = /\.(tar|tgz|tbz2?|txz|tzst|tar\.(gz|bz2|xz|zst|lz|lzma|lz4)|gz|bz2|xz|zst|lzma|lz4)$/i;
const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;
// Flags COPY accepts too; others (--checksum, --keep-git-dir, --unpack) only mean something for ADD.
const COPY_FLAGS = new Set(['chown', 'chmod', 'link', 'exclude', 'parents']);

export type SourceKind = 'local' | 'remote' | 'archive' | 'unknown';

/** What an ADD source is, as far as the text tells. */
export function classifySource(source: string): SourceKind {
  if (REMOTE.test(source)) return 'remote';
  if (ARCHIVE.test(source)) return 'archive';
  // Trailing slashes: /(?<!\/)\/+$/ is linear, /\/+$/ retried from every slash of a long run (quadratic: a hang, see test/fixtures/fuzz-regressions/trailing-slashes.json).
  const last = source.replace(/(?<!\/)\/+$/, '').split('/').pop() ?? '';
  // A wildcard that could match any file (`dist/*`, `*`) may pick up archives that ADD would unpack.
  if (/[*?[]/.test(last) && !/\.[A-Za-z0-9]+$/.test(last)) return 'unknown';
  return 'local';
}

function addSources(model: DockerfileModel, add: Add): { sources: string[]; json: boolean } | null {
  const line = add.getRange().start.line;
  const json = add.getOpeningBracket() !== null && add.getClosingBracket() !== null && add.getJSONStrings().length > 0;
  const words = json ? add.getJSONStrings().map((s) => s.getJSONValue()) : add.getArguments().map((a) => a.getValue());
  if (words.length < 2) return null;
  const sources: string[] = [];
  for (const word of words.slice(0, -1)) {
    const expanded = model.expand(word, line);
    if (expanded === null) return null; // value only known at build time
    sources.push(expanded);
  }
  return { sources, json };
}

function replaceWithCopy(model: DockerfileModel, add: Add): TextEdit[] {
  const keyword = add.getInstructionRange();
  const written = model.index.textIn(keyword);
  const edits: TextEdit[] = [{ range: keyword, newText: written === written.toLowerCase() ? 'copy' : 'COPY' }];
  for (const flag of add.getFlags() as Flag[]) {
    if (COPY_FLAGS.has(flag.getName().toLowerCase())) continue;
    // Remove the flag together with the whitespace that follows it.
    const start = model.offsetAt(flag.getRange().start);
    let end = model.offsetAt(flag.getRange().end);
    while (end < model.text.length && (model.text[end] === ' ' || model.text[end] === '\t')) end++;
    edits.push({ range: model.rangeOf(start, end), newText: '' });
  }
  return edits;
}

export const preferCopy: Rule = {
  meta: {
    id: 'prefer-copy',
    sections: ['3.1.5'],
    severity: 'warning',
    fixable: true,
    equivalents: { hadolint: ['DL3020'], trivy: ['DS-0005'], checkov: ['CKV_DOCKER_4'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Use COPY for local files',
        why: 'ADD has hidden extra behaviour: it fetches remote URLs and unpacks local archives. When the sources are ordinary local files or folders, none of that is wanted, and a later edit of a source name can silently switch it on.',
        how: 'Replace ADD with COPY. Keep ADD only when you really need to unpack a local archive, and fetch remote files in a RUN step where you can verify them.',
      },
      es: {
        title: 'Usa COPY para ficheros locales',
        why: 'ADD hace más de lo que parece: descarga URLs remotas y descomprime archivos locales. Si las fuentes son ficheros o carpetas locales normales no se quiere nada de eso, y cambiar el nombre de una fuente puede activarlo sin avisar.',
        how: 'Cambia ADD por COPY. Deja ADD solo para descomprimir un archivo local a propósito, y descarga lo remoto en un RUN donde puedas verificarlo.',
      },
    },
  },
  check({ model, report }) {
    for (const instruction of model.instructions) {
      if (instruction.getKeyword() !== 'ADD') continue;
      const add = instruction as Add;
      if (add.getArguments().some((a) => a.getValue().startsWith('<<'))) continue; // heredoc source
      const parsed = addSources(model, add);
      if (!parsed || !parsed.sources.every((s) => classifySource(s) === 'local')) continue;
      report({
        range: add.getInstructionRange(),
        message: {
          en: 'ADD copies only local files here: use COPY, which has no implicit download or unpacking.',
          es: 'Este ADD solo copia ficheros locales: usa COPY, que no descarga ni descomprime de forma implícita.',
        },
        fixes: [{
          title: { en: 'Replace ADD with COPY', es: 'Reemplazar ADD por COPY' },
          kind: 'quickfix',
          edits: replaceWithCopy(model, add),
        }],
      });
    }
  },
};
