// 3.1.8 Buildkit: a Dockerfile that uses syntax only BuildKit understands (RUN --mount/--network/--security,
// heredocs, COPY --link/--chmod/--parents/--exclude, ADD --checksum/--keep-git-dir/--chmod/--link/...)
// should say which Dockerfile syntax it needs with a `# syntax=` directive. Without one, the frontend
// built into whatever engine runs the build decides: an older one rejects the flag or, for heredocs,
// reads the body lines as instructions; the classic builder fails outright.
//
// Flagged: the first BuildKit-only construct of a file that has no `# syntax=` parser directive (any value
// counts; `# check=` alone does not; a `# syntax=` line below a comment or blank line is only a comment).
// Fix (quickfix): insert `# syntax=docker/dockerfile:1` after the other parser directives.
import type { Heredoc, Instruction, JSONInstruction } from 'dockerfile-ast';
import { misplacedSyntaxLine, syntaxDirectiveEdit } from '../buildkit';
import type { Rule } from '../rule';
import type { Range } from '../types';
import { lookupTable } from '../lookupTable';

// Flags of the classic builder: everything else on these instructions needs BuildKit.
const CLASSIC_FLAGS: Record<string, ReadonlySet<string>> = lookupTable({
  RUN: new Set(),
  COPY: new Set(['from', 'chown']),
  ADD: new Set(['chown']),
});

export interface BuildKitConstruct {
  range: Range;
  /** How it is written, for messages: `--mount`, `<<EOF`. */
  text: string;
}

/** The BuildKit-only flags and heredocs of an instruction, in document order. */
function constructsOf(instruction: Instruction): BuildKitConstruct[] {
  const keyword = instruction.getKeyword();
  const classic = CLASSIC_FLAGS[keyword];
  if (!classic) return [];
  const out: BuildKitConstruct[] = [];
  for (const flag of (instruction as JSONInstruction).getFlags()) {
    const name = flag.getName();
    if (classic.has(name.toLowerCase())) continue;
    out.push({ range: { start: flag.getRange().start, end: flag.getNameRange().end }, text: `--${name}` });
  }
  const heredocs: Heredoc[] = (instruction as unknown as { getHeredocs(): Heredoc[] }).getHeredocs?.() ?? [];
  for (const heredoc of heredocs) {
    const range = heredoc.getStartRange();
    out.push({ range, text: `<<${heredoc.getName()}` });
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export const syntaxDirective: Rule = {
  meta: {
    id: 'syntax-directive',
    sections: ['3.1.8'],
    severity: 'info',
    fixable: true,
    equivalents: {},
    docs: {
      en: {
        title: 'Declare the Dockerfile syntax when using BuildKit features',
        why: 'Secret and SSH mounts, cache mounts, heredocs and flags such as COPY --link or --chmod exist only in BuildKit\'s Dockerfile frontend. Without a `# syntax=` line the frontend bundled with the engine that happens to run the build is used: an older engine rejects these flags or reads a heredoc body as instructions, and the classic builder cannot build the file at all. The directive makes BuildKit fetch the named frontend, so every machine and CI runner reads the file the same way.',
        how: 'Put `# syntax=docker/dockerfile:1` on the first line (next to any `# escape=` or `# check=` directive, before comments and instructions). It follows the latest stable 1.x syntax; pin a minor version such as `docker/dockerfile:1.10` if you need a fixed one.',
      },
      es: {
        title: 'Declara la sintaxis del Dockerfile al usar funciones de BuildKit',
        why: 'Los montajes de secretos y de SSH, los de caché, los heredocs y opciones como COPY --link o --chmod solo existen en el frontend de Dockerfile de BuildKit. Sin una línea `# syntax=` se usa el frontend que traiga el motor que ejecute la build: uno antiguo rechaza estas opciones o interpreta el cuerpo de un heredoc como instrucciones, y el constructor clásico no puede construir el fichero. La directiva hace que BuildKit descargue el frontend indicado, de modo que todas las máquinas y la CI lean el fichero igual.',
        how: 'Pon `# syntax=docker/dockerfile:1` en la primera línea (junto a las directivas `# escape=` o `# check=` que haya, antes de comentarios e instrucciones). Sigue la última sintaxis estable 1.x; fija una versión menor como `docker/dockerfile:1.10` si necesitas una concreta.',
      },
    },
  },
  check({ model, report }) {
    const edit = syntaxDirectiveEdit(model);
    if (!edit) return;
    let first: BuildKitConstruct | null = null;
    for (const instruction of model.instructions) {
      const found = constructsOf(instruction)[0];
      if (found) { first = found; break; }
    }
    if (!first) return;
    const misplaced = misplacedSyntaxLine(model);
    const note = misplaced >= 0
      ? {
        en: ` The \`# syntax=\` line on line ${misplaced + 1} is not at the top of the file, so BuildKit reads it as a comment.`,
        es: ` La línea \`# syntax=\` de la línea ${misplaced + 1} no está al principio del fichero, así que BuildKit la toma por un comentario.`,
      }
      : { en: '', es: '' };
    report({
      range: first.range,
      message: {
        en: `\`${first.text}\` needs BuildKit's Dockerfile syntax, but the file does not declare it: add \`# syntax=docker/dockerfile:1\` at the top.${note.en}`,
        es: `\`${first.text}\` necesita la sintaxis de Dockerfile de BuildKit, pero el fichero no la declara: añade \`# syntax=docker/dockerfile:1\` al principio.${note.es}`,
      },
      fixes: [{
        title: { en: 'Add # syntax=docker/dockerfile:1', es: 'Añadir # syntax=docker/dockerfile:1' },
        kind: 'quickfix',
        edits: [edit],
      }],
    });
  },
};
