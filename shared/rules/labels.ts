// 3.1.7 Metadata / 4.12 Integración continua: labels tell people and tools what an image is, where its
// source lives and under which licence it ships; scanners, registries and CI pipelines read them.
//
// Flagged (once, on the FROM of the final stage): the final image lacks label keys that should be there:
// `requiredLabels` when configured, else the OCI title, description, source and licenses. Labels are
// inherited, so the stages the final stage builds on (`FROM <stage>`) count; build stages do not. A
// Label Schema key with an OCI counterpart (`org.label-schema.vcs-url` for `...source`) counts as present:
// label-schema-deprecated already asks to rename it.
//
// Quiet: when a LABEL key holds a variable without a known value (it may be any key), an empty
// `requiredLabels`, development environments (dev container bases and templates, final stages named
// `dev`, `test`...) and final stages that only collect files for `docker build --output` (`FROM scratch`
// without CMD or ENTRYPOINT: nothing to run, never published).
//
// Action (refactor, never applied by fix-all): insert after the final FROM a LABEL with the missing keys
// and the value `TODO`, which only the author can replace with the real title, licence, URL...
import type { DockerfileModel, Stage } from '../dockerfile';
import { DEFAULT_REQUIRED_LABELS, LABEL_PLACEHOLDER, LABEL_SCHEMA_TO_OCI, OCI_PREFIX, stageLabels } from '../labels';
import type { Rule } from '../rule';
import { finalChain, isArtifactExport, isDevEnvironment } from '../toolchains';
import type { TextEdit } from '../types';

/** `org.opencontainers.image.title`, `.description` and `.source`: the shared OCI prefix written once. */
function keyList(keys: string[]): { en: string; es: string } {
  const shown = keys.map((k, i) => `\`${i > 0 && k.startsWith(OCI_PREFIX) ? k.slice(OCI_PREFIX.length - 1) : k}\``);
  if (shown.length === 1) return { en: shown[0], es: shown[0] };
  const head = shown.slice(0, -1).join(', ');
  const last = shown[shown.length - 1];
  return { en: `${head} and ${last}`, es: `${head} y ${last}` };
}

/** A LABEL instruction with the keys, one per line, inserted on the line after the final FROM. */
function insertLabels(model: DockerfileModel, final: Stage, keys: string[]): TextEdit {
  const written = model.index.textIn(final.from.getInstructionRange());
  const keyword = written === written.toLowerCase() ? 'label' : 'LABEL';
  const eol = model.index.eol;
  const esc = model.escapeChar;
  const indent = ' '.repeat(keyword.length + 1);
  const body = keys.map((k, i) => `${i === 0 ? `${keyword} ` : indent}${k}="${LABEL_PLACEHOLDER}"`).join(` ${esc}${eol}`);
  const lastLine = final.from.getRange().end.line;
  if (lastLine + 1 < model.index.lineCount) {
    const at = model.index.positionAt(model.index.lineStarts[lastLine + 1]);
    return { range: { start: at, end: at }, newText: `${body}${eol}` };
  }
  const at = model.index.positionAt(model.text.length);
  return { range: { start: at, end: at }, newText: `${eol}${body}${eol}` };
}

export const labels: Rule = {
  meta: {
    id: 'labels',
    sections: ['3.1.7', '4.12'],
    severity: 'info',
    fixable: false,
    equivalents: { hadolint: ['DL3049'] },
    docs: {
      en: {
        title: 'Describe the image with labels',
        why: 'Without metadata an image is an anonymous blob: whoever finds it in a registry or a cluster cannot tell what it is, where its source code lives or under which licence it ships, and automated tools (scanners, registries, CI pipelines) have nothing to link it back to its project or to check its licence against.',
        how: 'Add LABEL instructions to the final stage with the OCI annotation keys, e.g. `org.opencontainers.image.title`, `.description`, `.source` (the repository URL) and `.licenses` (an SPDX expression). Values that change per build, like `.created` and `.revision`, can come from build arguments filled in by CI. The `requiredLabels` setting changes which keys are expected.',
      },
      es: {
        title: 'Describe la imagen con etiquetas',
        why: 'Sin metadatos una imagen es un bulto anónimo: quien la encuentra en un registro o en un clúster no puede saber qué es, dónde está su código fuente ni con qué licencia se distribuye, y las herramientas automáticas (escáneres, registros, pipelines de CI) no tienen con qué enlazarla a su proyecto ni contra qué comprobar su licencia.',
        how: 'Añade instrucciones LABEL en la etapa final con las claves de anotación OCI, por ejemplo `org.opencontainers.image.title`, `.description`, `.source` (la URL del repositorio) y `.licenses` (una expresión SPDX). Los valores que cambian en cada build, como `.created` y `.revision`, pueden venir de argumentos de build que rellena la CI. El ajuste `requiredLabels` cambia qué claves se esperan.',
      },
    },
  },
  check({ model, options, report }) {
    const final = model.finalStage;
    if (!final || isDevEnvironment(model) || isArtifactExport(model)) return;
    const required = options.requiredLabels ?? DEFAULT_REQUIRED_LABELS;
    if (!required.length) return;
    const entries = stageLabels(model, finalChain(model));
    if (entries.some((e) => e.key === null)) return;
    const present = new Set<string>();
    for (const entry of entries) {
      present.add(entry.key!);
      const oci = LABEL_SCHEMA_TO_OCI[entry.key!];
      if (oci) present.add(oci);
    }
    const missing = [...new Set(required)].filter((k) => !present.has(k));
    if (!missing.length) return;
    const list = keyList(missing);
    const one = missing.length === 1;
    report({
      range: final.from.getInstructionRange(),
      message: {
        en: `The final image has no ${list.en} label${one ? '' : 's'}: say what the image is, where its source lives and its licence.`,
        es: `La imagen final no tiene ${one ? 'la etiqueta' : 'las etiquetas'} ${list.es}: indica qué es la imagen, dónde está su código fuente y su licencia.`,
      },
      fixes: [{
        title: { en: `Add ${one ? 'the missing label' : 'the missing labels'} (values to fill in)`, es: `Añadir ${one ? 'la etiqueta que falta' : 'las etiquetas que faltan'} (valores por rellenar)` },
        kind: 'refactor',
        edits: [insertLabels(model, final, missing)],
      }],
    });
  },
};
