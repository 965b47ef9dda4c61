// 4.12 Integración continua: an ignore comment is an exception recorded in the Dockerfile. When it silences
// nothing (the problem was fixed, the instruction moved, or the id has a typo) it is noise at best, and at
// worst it hides the next real problem of that kind without anyone deciding so again.
//
// The engine produces these findings (only it knows what each comment silenced): after every other rule
// has run, each id of a `# dockerfile-seguro ignore…` comment that silenced nothing is reported, unless
// its rule is turned off or crashed (then we cannot tell), or it is `unused-ignore` itself. Unknown ids
// (and `all`, which is not accepted) are reported as unknown. hadolint pragmas are never reported: they
// may name checks this linter does not have.
//
// Fix (quickfix): remove the id from the comment, or the whole comment line when it was the only id.
import type { DockerfileModel } from '../dockerfile';
import type { IgnoreDirective, IgnoreEntry } from '../ignore';
import type { Report, Rule } from '../rule';
import type { Localized, LocalizedFix, Range, TextEdit } from '../types';

/** What the engine knows about the rule an entry names. */
export type IgnoredRuleState = 'active' | 'inactive' | 'unknown';

const SCOPE_TEXT: Record<IgnoreDirective['scope'], Localized> = {
  line: { en: 'on the next instruction', es: 'en la siguiente instrucción' },
  stage: { en: 'in this stage', es: 'en esta etapa' },
  file: { en: 'in this file', es: 'en este fichero' },
};

/** Deletes the comment's whole line (with one line break); `directiveLines` leading lines are parser directives. */
function removeLine(model: DockerfileModel, line: number, directiveLines: number): TextEdit {
  const index = model.index;
  // Parser directives are only read before the first comment or blank line: if removing this line would
  // turn the next one into a directive, empty it instead.
  if (line === directiveLines && line + 1 < index.lineCount && /^[ \t]*#[ \t]*(syntax|escape|check)[ \t]*=/i.test(index.lineText(line + 1))) {
    return { range: model.rangeOf(index.lineStarts[line], index.lineEnd(line)), newText: '' };
  }
  let start = index.lineStarts[line];
  let end: number;
  if (line + 1 < index.lineCount) {
    end = index.lineStarts[line + 1];
  } else {
    end = model.text.length;
    if (line > 0) start = index.lineEnd(line - 1);
  }
  return { range: model.rangeOf(start, end), newText: '' };
}

/** Removes one entry with the comma (and spaces) that joins it to a neighbour. */
function removeEntry(directive: IgnoreDirective, entry: IgnoreEntry): TextEdit {
  const i = directive.entries.indexOf(entry);
  const next = directive.entries[i + 1];
  const range: Range = next
    ? { start: entry.range.start, end: next.range.start }
    : { start: directive.entries[i - 1].range.end, end: entry.range.end };
  return { range, newText: '' };
}

function fixFor(model: DockerfileModel, directive: IgnoreDirective, entry: IgnoreEntry | null, directiveLines: number): LocalizedFix {
  if (!entry || directive.entries.length === 1) {
    return {
      title: { en: 'Remove the unused ignore comment', es: 'Quitar el comentario ignore sin uso' },
      kind: 'quickfix',
      edits: [removeLine(model, directive.line, directiveLines)],
    };
  }
  return {
    title: { en: `Remove "${entry.text}" from the ignore comment`, es: `Quitar "${entry.text}" del comentario ignore` },
    kind: 'quickfix',
    edits: [removeEntry(directive, entry)],
  };
}

/**
 * The findings of this rule. `used` tells whether an entry silenced a finding; `state` whether its rule
 * exists and ran; `directiveLines` is the number of parser directive lines at the top of the file.
 */
export function unusedIgnoreReports(
  model: DockerfileModel,
  directives: readonly IgnoreDirective[],
  directiveLines: number,
  used: (entry: IgnoreEntry) => boolean,
  state: (ruleId: string) => IgnoredRuleState,
): Report[] {
  const reports: Report[] = [];
  for (const directive of directives) {
    if (directive.source !== 'dockerfile-seguro') continue;
    if (!directive.entries.length) {
      reports.push({
        range: directive.range,
        message: { en: 'This ignore comment names no rule: it silences nothing.', es: 'Este comentario ignore no nombra ninguna regla: no silencia nada.' },
        fixes: [fixFor(model, directive, null, directiveLines)],
      });
      continue;
    }
    for (const entry of directive.entries) {
      const id = entry.text;
      const status = state(id);
      if (status === 'inactive' || id === unusedIgnore.meta.id || used(entry)) continue;
      let message: Localized;
      if (id.toLowerCase() === 'all') {
        message = {
          en: 'Ignore comments need explicit rule ids: "all" is not accepted, so this silences nothing.',
          es: 'Los comentarios ignore necesitan ids de regla explícitos: "all" no se acepta, así que esto no silencia nada.',
        };
      } else if (status === 'unknown') {
        message = {
          en: `"${id}" is an unknown rule id: this ignore silences nothing.`,
          es: `"${id}" es un id de regla desconocido: este ignore no silencia nada.`,
        };
      } else {
        const where = SCOPE_TEXT[directive.scope];
        message = {
          en: `The ignore for "${id}" silences nothing ${where.en}: remove it.`,
          es: `El ignore de "${id}" no silencia nada ${where.es}: quítalo.`,
        };
      }
      reports.push({ range: entry.range, message, fixes: [fixFor(model, directive, entry, directiveLines)] });
    }
  }
  return reports;
}

export const unusedIgnore: Rule = {
  meta: {
    id: 'unused-ignore',
    sections: ['4.12'],
    severity: 'hint',
    fixable: true,
    equivalents: {},
    docs: {
      en: {
        title: 'Ignore comment that silences nothing',
        why: 'An ignore comment is an exception written into the Dockerfile. Once the problem it covered is fixed or the instruction moves, the comment stays behind and will quietly hide the next problem of that kind, which nobody reviewed; an id with a typo silences nothing while its author believes it does. In continuous integration these stale exceptions pile up and make the lint results less trustworthy.',
        how: 'Remove the id from the comment, or the whole comment when it was the only one (the quick fix does it). Write rule ids in full: "all" is not accepted, so every exception stays a deliberate, visible decision.',
      },
      es: {
        title: 'Comentario ignore que no silencia nada',
        why: 'Un comentario ignore es una excepción escrita en el Dockerfile. Cuando el problema que cubría se arregla o la instrucción cambia de sitio, el comentario se queda y acabará ocultando en silencio el siguiente problema de ese tipo, sin que nadie lo revise; un id mal escrito no silencia nada aunque su autor crea que sí. En integración continua estas excepciones caducadas se acumulan y restan confianza a los resultados del linter.',
        how: 'Quita el id del comentario, o el comentario entero si era el único (la corrección rápida lo hace). Escribe los ids de regla completos: "all" no se acepta, para que cada excepción siga siendo una decisión deliberada y visible.',
      },
    },
  },
  // The engine calls unusedIgnoreReports after the other rules: only it knows what each comment silenced.
  check() {},
};
