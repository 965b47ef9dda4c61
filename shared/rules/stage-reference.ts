// 3.1.6 Multi-stage: references between stages must point where the author meant. Docker reads a
// `--from` value that is not a stage name as an image to pull, so a typo silently copies from (or builds
// on) something else, possibly from a public registry.
//
// Flagged (all errors Docker either rejects or resolves against the author's intent):
// - `COPY --from=x` / `RUN --mount=...,from=x` naming the stage it is in (a cycle) or a stage defined later
//   (the classic builder rejects it; BuildKit accepts it but the order then hides the dependency);
// - a numeric `--from=N` that is not an earlier stage (same, later or out of range);
// - a bare `--from=x` that is no stage but within edit distance 1 (names up to 4 characters) or 2 (longer)
//   of a stage name and is not a well-known image: almost certainly a typo, which Docker would pull as
//   `docker.io/library/x`. Anything with `/`, `:`, `@` or `.` is an image reference and fine;
// - `FROM x` where `x` is only defined as a stage later in the file: Docker pulls an image `x` instead;
// - a stage name used twice (case-insensitive), a reserved name (`scratch`, `context`) or a name
//   BuildKit refuses (it must start with a letter and hold only lower-case letters, digits, `-`, `_`, `.`).
// Values with variables are expanded with the ARGs in scope; unknown values are left alone.
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from '../dockerfile';
import type { Rule } from '../rule';
import { copyFromFlag, mountFroms } from '../toolchains';
import type { Localized, Range } from '../types';

const RESERVED = new Set(['scratch', 'context']);
const VALID_NAME = /^[a-z][a-z0-9_.-]*$/;
const IMAGE_LIKE = /[/:@.]/;

// Official images that are pulled with `COPY --from=<name>` and may sit close to a stage name.
const KNOWN_IMAGES = new Set([
  'alpine', 'bash', 'busybox', 'debian', 'ubuntu', 'node', 'golang', 'python', 'ruby', 'rust', 'php', 'nginx',
  'httpd', 'docker', 'composer', 'maven', 'gradle', 'openjdk', 'caddy', 'traefik', 'redis', 'postgres', 'mysql',
  'mariadb', 'mongo', 'tomcat', 'perl', 'gcc', 'swift', 'haskell', 'erlang', 'elixir', 'julia', 'scratch',
]);

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The stage name a bare, unknown `--from` value is most likely a typo of, or null. */
export function likelyTypoOf(value: string, names: string[]): string | null {
  const lower = value.toLowerCase();
  if (KNOWN_IMAGES.has(lower)) return null;
  let best: { name: string; distance: number } | null = null;
  for (const name of names) {
    const limit = Math.min(name.length, lower.length) <= 4 ? 1 : 2;
    const distance = editDistance(lower, name, limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

interface Reference {
  value: string;
  range: Range;
  /** `COPY --from` or `RUN --mount from=`. */
  kind: 'copy' | 'mount';
}

function referencesOf(model: DockerfileModel, instruction: Instruction): Reference[] {
  const line = instruction.getRange().start.line;
  const out: Reference[] = [];
  const flag = copyFromFlag(instruction);
  const flagValue = flag?.getValue();
  const flagRange = flag?.getValueRange();
  if (flag && flagValue && flagRange) {
    const value = model.expand(flagValue, line);
    if (value !== null) out.push({ value, range: flagRange, kind: 'copy' });
  }
  for (const { value: raw, option } of mountFroms(instruction)) {
    const value = model.expand(raw, line);
    const range = option.getValueRange();
    if (value !== null && range) out.push({ value, range, kind: 'mount' });
  }
  return out;
}

/** Stages by name, built once per lint: references are checked without scanning every stage each time. */
class StageNames {
  /** Stages having each name, in document order. */
  private readonly byName = new Map<string, Stage[]>();
  /** Names of the named stages, in document order. */
  readonly names: string[] = [];
  private readonly typos = new Map<string, string | null>();

  constructor(stages: readonly Stage[]) {
    for (const stage of stages) {
      if (!stage.name) continue;
      this.names.push(stage.name);
      const list = this.byName.get(stage.name);
      if (list) list.push(stage);
      else this.byName.set(stage.name, [stage]);
    }
  }

  first(name: string): Stage | undefined {
    return this.byName.get(name)?.[0];
  }

  /** The first stage named `name` after the stage at `index`. */
  firstAfter(name: string, index: number): Stage | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (list[mid].index <= index) low = mid + 1;
      else high = mid;
    }
    return list[low];
  }

  typoOf(value: string): string | null {
    let typo = this.typos.get(value);
    if (typo === undefined) this.typos.set(value, (typo = likelyTypoOf(value, this.names)));
    return typo;
  }
}

function checkReference(model: DockerfileModel, stage: Stage, ref: Reference, stages: StageNames): Localized | null {
  const value = ref.value.trim();
  if (!value) return null;
  const what = ref.kind === 'copy' ? `\`--from=${value}\`` : `\`--mount=...,from=${value}\``;
  if (/^\d+$/.test(value)) {
    const index = Number(value);
    if (index < stage.index) return null;
    if (index === stage.index) {
      return {
        en: `${what} is this stage itself: a stage cannot copy from its own result. Use an earlier stage.`,
        es: `${what} es esta misma etapa: una etapa no puede copiar de su propio resultado. Usa una etapa anterior.`,
      };
    }
    if (index < model.stages.length) {
      return {
        en: `${what} points at a stage defined later in the file: define the stage you copy from before this one.`,
        es: `${what} apunta a una etapa definida más adelante: define la etapa de la que copias antes que esta.`,
      };
    }
    return {
      en: `${what}: there is no stage ${value} (the file has ${model.stages.length} stage${model.stages.length === 1 ? '' : 's'}, counted from 0).`,
      es: `${what}: no existe la etapa ${value} (el fichero tiene ${model.stages.length} etapa${model.stages.length === 1 ? '' : 's'}, contadas desde 0).`,
    };
  }
  if (IMAGE_LIKE.test(value)) return null;
  const lower = value.toLowerCase();
  const named = stages.first(lower);
  if (named) {
    if (named.index < stage.index) return null;
    if (named === stage) {
      return {
        en: `${what} names the stage it is in: a stage cannot copy from its own result. Use an earlier stage.`,
        es: `${what} nombra la etapa en la que está: una etapa no puede copiar de su propio resultado. Usa una etapa anterior.`,
      };
    }
    return {
      en: `Stage \`${value}\` is defined after this instruction: the classic builder rejects this, and the order hides the dependency. Move that stage before this one.`,
      es: `La etapa \`${value}\` se define después de esta instrucción: el builder clásico lo rechaza y el orden oculta la dependencia. Mueve esa etapa antes que esta.`,
    };
  }
  const typo = stages.typoOf(value);
  if (!typo) return null;
  const hint = stages.first(typo)!.index < stage.index
    ? { en: `did you mean stage \`${typo}\`?`, es: `¿querías decir la etapa \`${typo}\`?` }
    : { en: `it looks like a typo of stage \`${typo}\`.`, es: `parece una errata de la etapa \`${typo}\`.` };
  return {
    en: `No stage is named \`${value}\`, so Docker will pull an image called \`${value}\` instead; ${hint.en}`,
    es: `Ninguna etapa se llama \`${value}\`, así que Docker descargará una imagen llamada \`${value}\`; ${hint.es}`,
  };
}

export const stageReference: Rule = {
  meta: {
    id: 'stage-reference',
    sections: ['3.1.6'],
    severity: 'error',
    fixable: false,
    equivalents: { hadolint: ['DL3023', 'DL3024'], trivy: ['DS-0006', 'DS-0012'] },
    docs: {
      en: {
        title: 'Stage references must name an earlier stage',
        why: 'In a multi-stage build, `COPY --from`, `RUN --mount=from=` and `FROM` reach other stages by name or index. When the name is not an earlier stage, Docker does not stop: it treats the word as an image and pulls it from a registry, so a typo can bring foreign content into the image. Duplicate, reserved or malformed stage names make the build fail or resolve to the wrong stage.',
        how: 'Give every stage a unique, lower-case name (`FROM golang:1.22 AS build`), define it before the stages that use it, and refer to it by that exact name (`COPY --from=build /out/app /app`). Write an image reference with its tag (`--from=nginx:1.27`) when you really mean an image.',
      },
      es: {
        title: 'Las referencias a etapas deben nombrar una etapa anterior',
        why: 'En una build multi-stage, `COPY --from`, `RUN --mount=from=` y `FROM` llegan a otras etapas por nombre o índice. Si el nombre no es una etapa anterior, Docker no se detiene: toma la palabra como una imagen y la descarga de un registro, así que una errata puede meter contenido ajeno en la imagen. Los nombres de etapa duplicados, reservados o mal formados hacen fallar la build o apuntan a la etapa equivocada.',
        how: 'Da a cada etapa un nombre único en minúsculas (`FROM golang:1.22 AS build`), defínela antes de las etapas que la usan y refiérete a ella con ese nombre exacto (`COPY --from=build /out/app /app`). Escribe una referencia de imagen con su tag (`--from=nginx:1.27`) cuando de verdad quieras una imagen.',
      },
    },
  },
  check({ model, report }) {
    const seen = new Map<string, Stage>();
    const stages = new StageNames(model.stages);
    for (const stage of model.stages) {
      // Stage names.
      const written = stage.from.getBuildStage();
      const nameRange = stage.from.getBuildStageRange();
      if (written && nameRange && !written.includes('$')) {
        const lower = written.toLowerCase();
        const first = seen.get(lower);
        if (first) {
          report({
            range: nameRange,
            message: {
              en: `Stage name \`${written}\` is already used by stage ${first.index} (names are case-insensitive): references to it become ambiguous. Rename one of them.`,
              es: `El nombre de etapa \`${written}\` ya lo usa la etapa ${first.index} (no se distinguen mayúsculas): las referencias a él son ambiguas. Renombra una de ellas.`,
            },
          });
        } else if (RESERVED.has(lower)) {
          report({
            range: nameRange,
            message: {
              en: `\`${written}\` is a reserved name in Docker and cannot name a stage. Choose another name.`,
              es: `\`${written}\` es un nombre reservado en Docker y no puede nombrar una etapa. Elige otro nombre.`,
            },
          });
        } else if (!VALID_NAME.test(lower)) {
          report({
            range: nameRange,
            message: {
              en: `\`${written}\` is not a valid stage name: it must start with a letter and contain only letters, digits, \`-\`, \`_\` and \`.\`.`,
              es: `\`${written}\` no es un nombre de etapa válido: debe empezar por una letra y contener solo letras, dígitos, \`-\`, \`_\` y \`.\`.`,
            },
          });
        }
        if (!first) seen.set(lower, stage);
      }

      // FROM <stage defined later>: Docker only sees earlier stages and pulls an image instead.
      const image = stage.image;
      const imageRange = stage.from.getImageRange();
      if (image && imageRange && !stage.parent && !IMAGE_LIKE.test(image)) {
        const later = stages.firstAfter(image.toLowerCase(), stage.index);
        if (later) {
          report({
            range: imageRange,
            message: {
              en: `Stage \`${later.name}\` is defined later in the file, so this FROM pulls an image called \`${image}\` instead of building on it. Move that stage before this one.`,
              es: `La etapa \`${later.name}\` se define más adelante, así que este FROM descarga una imagen llamada \`${image}\` en lugar de partir de ella. Mueve esa etapa antes que esta.`,
            },
          });
        }
      }

      // COPY --from and RUN --mount from=.
      for (const instruction of stage.instructions) {
        for (const ref of referencesOf(model, instruction)) {
          const message = checkReference(model, stage, ref, stages);
          if (message) report({ range: ref.range, message });
        }
      }
    }
  },
};
