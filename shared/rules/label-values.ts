// 3.1.7 Metadata: labels are read by machines as much as by people (4.12), so the OCI keys with a
// defined format must hold values in that format, or the tools that read them skip or misread them.
//
// Flagged (range: the value), in every stage:
// - any `org.opencontainers.image.*` key with an empty value;
// - `created` that is not an RFC 3339 date-time;
// - `source`, `url`, `documentation` that are not absolute URLs (`source` also accepts git's
//   `git@host:owner/repo` form);
// - `licenses` that is not an SPDX expression (identifiers compared case-insensitively, as SPDX says;
//   `NONE` and `NOASSERTION` accepted);
// - `revision` that is not a commit id (7 to 64 hex digits);
// - `base.digest` that is not a content digest.
// Not checked: values that expand a variable (`$VERSION`, `${GIT_SHA}`: set at build time, usually by CI)
// and the `TODO` placeholder that the labels action writes for the author to fill in. No fix: only the
// author knows the right value.
import { LABEL_PLACEHOLDER, OCI_PREFIX, labelEntries, labelValueProblem } from '../labels';
import type { Rule } from '../rule';

export const labelValues: Rule = {
  meta: {
    id: 'label-values',
    sections: ['3.1.7'],
    severity: 'warning',
    fixable: false,
    equivalents: { hadolint: ['DL3051', 'DL3052', 'DL3053', 'DL3054', 'DL3055'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Give OCI labels well-formed values',
        why: 'Registries, scanners and CI tools parse the OCI labels: they link `source` to the repository, compare `licenses` with policy, sort by `created` and trace `revision` back to a commit. A value in the wrong format (a date without time zone, a licence name instead of an SPDX identifier, a relative URL) is skipped or misread, and an empty one says nothing at all.',
        how: 'Use an RFC 3339 date-time for `created` (`2024-05-01T12:00:00Z`), absolute URLs for `source`, `url` and `documentation`, an SPDX expression for `licenses` (`Apache-2.0`, `MIT OR Apache-2.0`) and the commit id for `revision`. Values known only at build time can come from build arguments (`LABEL org.opencontainers.image.revision=$GIT_SHA`).',
      },
      es: {
        title: 'Da valores bien formados a las etiquetas OCI',
        why: 'Los registros, escáneres y herramientas de CI interpretan las etiquetas OCI: enlazan `source` con el repositorio, comparan `licenses` con su política, ordenan por `created` y siguen `revision` hasta un commit. Un valor con el formato equivocado (una fecha sin zona horaria, el nombre de una licencia en vez de su identificador SPDX, una URL relativa) se ignora o se malinterpreta, y uno vacío no dice nada.',
        how: 'Usa una fecha y hora RFC 3339 en `created` (`2024-05-01T12:00:00Z`), URLs absolutas en `source`, `url` y `documentation`, una expresión SPDX en `licenses` (`Apache-2.0`, `MIT OR Apache-2.0`) y el identificador del commit en `revision`. Los valores que solo se conocen al construir pueden venir de argumentos de build (`LABEL org.opencontainers.image.revision=$GIT_SHA`).',
      },
    },
  },
  check({ model, report }) {
    for (const entry of labelEntries(model, model.instructions)) {
      const key = entry.key;
      if (!key || !key.startsWith(OCI_PREFIX) || entry.dynamic) continue;
      const value = entry.value ?? '';
      if (value === LABEL_PLACEHOLDER) continue;
      const problem = labelValueProblem(key, value);
      if (problem) report({ range: entry.valueRange, message: problem });
    }
  },
};
