// 3.1.7 Metadata: the guide structures labels with the Label Schema convention (`org.label-schema.*`).
// That project was retired in favour of the OCI image annotations (`org.opencontainers.image.*`), which
// registries, scanners and `docker buildx` read today.
//
// Flagged: every `org.label-schema.*` LABEL key, in any stage (range: the key, without its quotes).
// Fix (quickfix), per key: rename it to its OCI counterpart (build-date → created, name → title,
// description, usage → documentation, url, vcs-url → source, vcs-ref → revision, vendor, version, and the
// unofficial license → licenses). No fix when the key has no counterpart (schema-version, docker.cmd,
// docker.params, rkt.*...), when the stage already sets the OCI key, or when the value does not fit the
// OCI key's format (`build-date=2020` is no RFC 3339 date): renaming would trade one finding for another.
import type { Stage } from '../dockerfile';
import { LABEL_PLACEHOLDER, LABEL_SCHEMA_PREFIX, LABEL_SCHEMA_TO_OCI, labelEntries, labelValueProblem, stageLabels, type LabelEntry } from '../labels';
import type { Rule } from '../rule';
import { stageChain } from '../toolchains';
import type { DockerfileModel } from '../dockerfile';
import type { LocalizedFix, Range } from '../types';

/** The key's text without its quotes (`"org.label-schema.name"` → `org.label-schema.name`). */
function keyTextRange(model: DockerfileModel, entry: LabelEntry): Range {
  const raw = model.index.textIn(entry.keyRange);
  const at = raw.indexOf(entry.writtenKey);
  if (at < 0) return entry.keyRange;
  const start = model.offsetAt(entry.keyRange.start) + at;
  return model.rangeOf(start, start + entry.writtenKey.length);
}

function renameFix(model: DockerfileModel, stage: Stage, entry: LabelEntry, oci: string, range: Range): LocalizedFix[] {
  if (stageLabels(model, stageChain(stage)).some((e) => e.key === oci)) return [];
  if (!entry.dynamic && entry.value !== LABEL_PLACEHOLDER && labelValueProblem(oci, entry.value ?? '')) return [];
  if (model.index.textIn(range) !== entry.writtenKey) return [];
  return [{
    title: { en: `Rename to ${oci}`, es: `Renombrar a ${oci}` },
    kind: 'quickfix',
    edits: [{ range, newText: oci }],
  }];
}

export const labelSchemaDeprecated: Rule = {
  meta: {
    id: 'label-schema-deprecated',
    sections: ['3.1.7'],
    severity: 'hint',
    fixable: true,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Use OCI label keys instead of Label Schema',
        why: 'Label Schema (`org.label-schema.*`) was a community convention for image metadata that its authors retired once the Open Container Initiative standardised the same information as `org.opencontainers.image.*` annotations. Current registries, scanners and build tools look for the OCI keys, so metadata under the old names is easily missed.',
        how: 'Rename each key to its OCI counterpart: `build-date` → `created`, `name` → `title`, `vcs-url` → `source`, `vcs-ref` → `revision`, `usage` → `documentation`; `description`, `url`, `vendor` and `version` keep their names under `org.opencontainers.image.`. Keys without a counterpart (`schema-version`, `docker.cmd`...) can be dropped or moved to your own namespace.',
      },
      es: {
        title: 'Usa claves de etiqueta OCI en lugar de Label Schema',
        why: 'Label Schema (`org.label-schema.*`) fue una convención de la comunidad para los metadatos de imágenes que sus autores dieron por terminada cuando la Open Container Initiative estandarizó la misma información como anotaciones `org.opencontainers.image.*`. Los registros, escáneres y herramientas de build actuales buscan las claves OCI, así que los metadatos con los nombres antiguos pasan fácilmente desapercibidos.',
        how: 'Renombra cada clave a su equivalente OCI: `build-date` → `created`, `name` → `title`, `vcs-url` → `source`, `vcs-ref` → `revision`, `usage` → `documentation`; `description`, `url`, `vendor` y `version` mantienen su nombre bajo `org.opencontainers.image.`. Las claves sin equivalente (`schema-version`, `docker.cmd`...) se pueden quitar o pasar a un espacio de nombres propio.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const entry of labelEntries(model, stage.instructions)) {
        const key = entry.key;
        if (!key || !key.startsWith(LABEL_SCHEMA_PREFIX)) continue;
        const oci = LABEL_SCHEMA_TO_OCI[key];
        const range = keyTextRange(model, entry);
        report({
          range,
          message: oci
            ? {
              en: `\`${key}\` is a Label Schema key, a convention replaced by the OCI annotations: use \`${oci}\`.`,
              es: `\`${key}\` es una clave de Label Schema, convención sustituida por las anotaciones OCI: usa \`${oci}\`.`,
            }
            : {
              en: `\`${key}\` is a Label Schema key, a convention replaced by the OCI annotations, and has no OCI counterpart: drop it or move it to your own namespace.`,
              es: `\`${key}\` es una clave de Label Schema, convención sustituida por las anotaciones OCI, y no tiene equivalente OCI: quítala o muévela a un espacio de nombres propio.`,
            },
          fixes: oci ? renameFix(model, stage, entry, oci, range) : [],
        });
      }
    }
  },
};
