// 3.1.5 COPY o ADD: ADD unpacks a local tar archive on its own. That is easy to miss when reading the
// Dockerfile (the same line copies a plain file as is), and a renamed source can switch it on or off.
//
// Flagged (info), in every stage: ADD of a local source whose name is an archive by prefer-copy's
// classifySource (`.tar`, `.tgz`, `.tar.gz`/`.bz2`/`.xz`/`.zst`...), ARG/ENV resolved. A bare compressed
// name (`rootfs.gz`) counts only without an inner extension: ADD unpacks tar content only, so
// `data.json.gz` or `dump.sql.xz` are copied as they are and not flagged.
// Not flagged: in a stage built on `scratch` (there is no tar to unpack with there, so ADD is the way);
// remote sources (add-remote); sources only known at build time.
// Range: the archive operand.
// Action (refactor, never applied by fix-all), for a single `.tar`-family source and an ADD without flags,
// in a stage with a POSIX shell (not distroless, Windows or a non-POSIX SHELL):
//   COPY <archive> /tmp/<name>
//   RUN mkdir -p <dest> && tar -xf /tmp/<name> -C <dest> && rm /tmp/<name>
// The archive is copied to a temporary path and extracted into the destination, which makes the unpacking
// explicit; the image then needs tar (and the decompressor for the format).
import type { Add, Flag } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from '../dockerfile';
import { imageFamily } from '../images';
import type { Rule } from '../rule';
import { addOperands, stageHasShell, type AddOperands } from '../shell/downloads';
import type { LocalizedFix } from '../types';
import { classifySource } from './prefer-copy';

const TAR = /\.(tar|tgz|tbz2?|txz|tzst|tar\.(gz|bz2|xz|zst|lz|lzma|lz4))$/i;
// A bare compressed file (`x.gz`) is unpacked only when it holds a tar: `data.json.gz` or `dump.sql.xz`
// name what is inside and are copied as they are, so only names with no inner extension count.
const BARE = /^[^.]+\.(gz|bz2|xz|zst|lzma|lz4)$/i;

function unpacks(source: string): boolean {
  // Trailing slashes: /(?<!\/)\/+$/ is linear, /\/+$/ retried from every slash of a long run (quadratic: a hang, see test/fixtures/fuzz-regressions/trailing-slashes.json).
  const name = source.replace(/(?<!\/)\/+$/, '').split('/').pop() ?? '';
  return TAR.test(name) || BARE.test(name);
}

function shellWord(text: string): string {
  if (/^[A-Za-z0-9_./:@%+=,~${}-]+$/.test(text)) return text;
  return `"${text.replace(/(["\\`])/g, '\\$1')}"`;
}

function rewrite(model: DockerfileModel, add: Add, stage: Stage, family: string, operands: AddOperands): LocalizedFix[] {
  if (operands.sources.length !== 1 || (add.getFlags() as Flag[]).length) return [];
  const source = operands.sources[0];
  if (!TAR.test(source.value ?? '') || /[*?[]/.test(source.text)) return [];
  if (!stageHasShell(model, stage, family)) return [];
  const name = source.text.split('/').pop()!;
  const temp = `/tmp/${name}`;
  const dest = operands.dest.text;
  const keyword = model.index.textIn(add.getInstructionRange());
  const lower = keyword === keyword.toLowerCase();
  const copy = operands.json
    ? `${lower ? 'copy' : 'COPY'} [${JSON.stringify(source.text)}, ${JSON.stringify(temp)}]`
    : `${lower ? 'copy' : 'COPY'} ${model.text.slice(source.start, source.end)} ${shellWord(temp)}`;
  const mkdir = dest === '/' ? '' : `mkdir -p ${shellWord(dest)} && `;
  const run = `${lower ? 'run' : 'RUN'} ${mkdir}tar -xf ${shellWord(temp)} -C ${shellWord(dest)} && rm ${shellWord(temp)}`;
  return [{
    title: { en: 'Copy the archive and extract it with tar in a RUN', es: 'Copiar el archivo y extraerlo con tar en un RUN' },
    kind: 'refactor',
    edits: [{ range: add.getRange(), newText: `${copy}${model.index.eol}${run}` }],
  }];
}

export const addArchive: Rule = {
  meta: {
    id: 'add-archive',
    sections: ['3.1.5'],
    severity: 'info',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'ADD unpacks local archives implicitly',
        why: 'When ADD gets a local tar archive it extracts it instead of copying it, while the same line with any other file just copies. The behaviour is not visible in the Dockerfile, depends on the file name and format, and changes silently if the source is renamed or replaced.',
        how: 'Make the extraction explicit: COPY the archive to a temporary path and run `tar -xf` into the destination in a RUN (removing the archive afterwards). Keep ADD where there is no tar to use, such as a `FROM scratch` stage.',
      },
      es: {
        title: 'ADD descomprime archivos locales de forma implícita',
        why: 'Cuando ADD recibe un archivo tar local lo extrae en lugar de copiarlo, mientras que la misma línea con cualquier otro fichero solo copia. Ese comportamiento no se ve en el Dockerfile, depende del nombre y del formato del fichero, y cambia sin avisar si la fuente se renombra o se sustituye.',
        how: 'Haz explícita la extracción: copia el archivo con COPY a una ruta temporal y ejecuta `tar -xf` hacia el destino en un RUN (borrando después el archivo). Mantén ADD donde no hay tar disponible, como en una etapa `FROM scratch`.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      const family = imageFamily(model.rootImage(stage));
      const root = (model.rootImage(stage) ?? '').trim().toLowerCase();
      if (family === 'scratch' || root === 'scratch') continue;
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'ADD') continue;
        const add = instruction as Add;
        const operands = addOperands(model, add);
        if (!operands) continue;
        for (const source of operands.sources) {
          if (source.value === null || classifySource(source.value) !== 'archive' || !unpacks(source.value)) continue;
          report({
            range: source.range,
            message: {
              en: `ADD unpacks \`${source.value}\` implicitly: copy it with COPY and extract it with tar in a RUN, so the unpacking is visible.`,
              es: `ADD descomprime \`${source.value}\` de forma implícita: cópialo con COPY y extráelo con tar en un RUN, para que la descompresión quede a la vista.`,
            },
            fixes: rewrite(model, add, stage, family, operands),
          });
        }
      }
    }
  },
};
