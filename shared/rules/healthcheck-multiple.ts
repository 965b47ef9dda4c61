// 3.1.9 Health checks: a stage can have only one HEALTHCHECK; Docker keeps the last one and silently drops
// the others, so an earlier one gives a false impression of what is checked.
//
// Flagged: every HEALTHCHECK of a stage (build stages too) that a later HEALTHCHECK of the same stage
// replaces, `HEALTHCHECK NONE` included, on its keyword. ONBUILD HEALTHCHECK is a trigger, not counted.
// Fix (quickfix): delete the replaced instruction, all its lines (continuations included).
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel } from '../dockerfile';
import type { Rule } from '../rule';
import type { TextEdit } from '../types';

/** Deletes the instruction's lines, with one line break. */
function deleteInstruction(model: DockerfileModel, instruction: Instruction): TextEdit {
  const index = model.index;
  const range = instruction.getRange();
  let start = index.lineStarts[range.start.line];
  let end: number;
  if (range.end.line + 1 < index.lineCount) end = index.lineStarts[range.end.line + 1];
  else {
    end = model.text.length;
    if (range.start.line > 0) start = index.lineEnd(range.start.line - 1);
  }
  return { range: model.rangeOf(start, end), newText: '' };
}

export const healthcheckMultiple: Rule = {
  meta: {
    id: 'healthcheck-multiple',
    sections: ['3.1.9'],
    severity: 'warning',
    fixable: true,
    equivalents: { hadolint: ['DL3012'], trivy: ['DS-0023'] },
    docs: {
      en: {
        title: 'More than one HEALTHCHECK in a stage',
        why: 'Docker honours only the last HEALTHCHECK of a stage and silently ignores the earlier ones. Whoever reads the file may believe the first probe is what monitors the container, while a different command (or none, with HEALTHCHECK NONE) actually runs.',
        how: 'Keep a single HEALTHCHECK per stage, with the probe and timings you really want, and delete the others.',
      },
      es: {
        title: 'Más de un HEALTHCHECK en una etapa',
        why: 'Docker solo tiene en cuenta el último HEALTHCHECK de cada etapa e ignora los anteriores sin avisar. Quien lea el fichero puede creer que el primero es el que vigila el contenedor, cuando en realidad se ejecuta otro comando (o ninguno, con HEALTHCHECK NONE).',
        how: 'Deja un único HEALTHCHECK por etapa, con la comprobación y los tiempos que de verdad quieres, y borra los demás.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      const checks = stage.instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK');
      const last = checks[checks.length - 1];
      for (const earlier of checks.slice(0, -1)) {
        const line = last.getRange().start.line + 1;
        report({
          range: earlier.getInstructionRange(),
          message: {
            en: `This HEALTHCHECK has no effect: the one on line ${line} replaces it, since Docker keeps only the last HEALTHCHECK of a stage.`,
            es: `Este HEALTHCHECK no tiene efecto: el de la línea ${line} lo sustituye, porque Docker solo conserva el último HEALTHCHECK de cada etapa.`,
          },
          fixes: [{
            title: { en: 'Remove the replaced HEALTHCHECK', es: 'Eliminar el HEALTHCHECK sustituido' },
            kind: 'quickfix',
            edits: [deleteInstruction(model, earlier)],
          }],
        });
      }
    }
  },
};
