// 3.1.7 Metadata: MAINTAINER is deprecated. It fills a free-text "author" field that most tools ignore;
// a label carries the same information where registries and scanners look for it.
//
// Flagged: every MAINTAINER instruction (range: the keyword).
// Fix (quickfix): rewrite it as `LABEL org.opencontainers.image.authors="<value>"`, keeping the keyword's
// case style. MAINTAINER takes its text literally, so in the label value the escape character, `"` and
// `$` are escaped; one pair of quotes around the whole text is dropped (it was meant as quoting) and
// line continuations become single spaces.
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel } from '../dockerfile';
import { OCI_PREFIX } from '../labels';
import type { Rule } from '../rule';
import type { LocalizedFix } from '../types';

/**
 * The MAINTAINER text as one line. Docker keeps quotes literally there, but quotes around the whole text
 * were meant as quoting: they are dropped, with the backslash escapes of that quote character inside.
 */
export function maintainerValue(instruction: Instruction): string {
  const text = (instruction.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim();
  const q = text[0];
  if (text.length >= 2 && (q === '"' || q === "'") && text[text.length - 1] === q) {
    const inner = text.slice(1, -1);
    const escaped = `\\${q}`;
    if (!inner.split(escaped).join('').includes(q)) return inner.split(escaped).join(q).trim();
  }
  return text;
}

/** `value` written inside double quotes of a LABEL, with Docker's escape character. */
export function quoteLabelValue(value: string, escapeChar: string): string {
  let out = '';
  for (const c of value) out += c === '"' || c === '$' || c === escapeChar ? escapeChar + c : c;
  return `"${out}"`;
}

function rewrite(model: DockerfileModel, instruction: Instruction, value: string): LocalizedFix {
  const written = model.index.textIn(instruction.getInstructionRange());
  const keyword = written === written.toLowerCase() ? 'label' : 'LABEL';
  return {
    title: { en: `Replace with LABEL ${OCI_PREFIX}authors`, es: `Sustituir por LABEL ${OCI_PREFIX}authors` },
    kind: 'quickfix',
    edits: [{ range: instruction.getRange(), newText: `${keyword} ${OCI_PREFIX}authors=${quoteLabelValue(value, model.escapeChar)}` }],
  };
}

export const maintainerDeprecated: Rule = {
  meta: {
    id: 'maintainer-deprecated',
    sections: ['3.1.7'],
    severity: 'warning',
    fixable: true,
    equivalents: { hadolint: ['DL4000'], trivy: ['DS-0022'], checkov: ['CKV_DOCKER_6'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Use a label instead of MAINTAINER',
        why: 'MAINTAINER has been deprecated for years. It only sets a free-text author field of the image configuration, which registries, scanners and most tooling never show, so the contact information it was meant to publish is effectively lost.',
        how: 'Replace it with `LABEL org.opencontainers.image.authors="Name <email>"`, the standard OCI key for the people or team responsible for the image.',
      },
      es: {
        title: 'Usa una etiqueta en lugar de MAINTAINER',
        why: 'MAINTAINER lleva años obsoleta. Solo rellena un campo de autor en texto libre de la configuración de la imagen que los registros, los escáneres y casi ninguna herramienta muestran, así que el contacto que pretendía publicar se pierde en la práctica.',
        how: 'Sustitúyela por `LABEL org.opencontainers.image.authors="Nombre <email>"`, la clave OCI estándar para las personas o el equipo responsables de la imagen.',
      },
    },
  },
  check({ model, report }) {
    for (const instruction of model.instructions) {
      if (instruction.getKeyword() !== 'MAINTAINER') continue;
      const value = maintainerValue(instruction);
      report({
        range: instruction.getInstructionRange(),
        message: {
          en: 'MAINTAINER is deprecated: put the contact in the `org.opencontainers.image.authors` label.',
          es: 'MAINTAINER está obsoleta: pon el contacto en la etiqueta `org.opencontainers.image.authors`.',
        },
        fixes: value ? [rewrite(model, instruction, value)] : [],
      });
    }
  },
};
