// 3.2.1 Tags / 2.2.1 Imágenes base: a base image without a tag (or with `latest`) is whatever was published
// last, so two builds of the same Dockerfile may start from different images. This file also holds what
// the image rules share: the base image of each FROM as written and as resolved through ARG defaults.
import type { DockerfileModel, Stage } from '../dockerfile';
import { substituteVariables } from '../dockerfile';
import { parseImageRef, type ImageRef } from '../images';
import { memoByKey } from '../memo';
import type { Rule } from '../rule';
import type { Range } from '../types';

/** Stands for a build argument whose value is not known in partially resolved references. */
export const UNKNOWN_VALUE = '\u0000';

/** Offsets inside a reference: `[host/]path[:tag][@digest]`; a missing part is null. */
export interface ReferenceParts {
  /** End of the first component when it is a registry host (`ghcr.io`, `localhost:5000`). */
  hostEnd: number | null;
  /** Start of the path (after the host and its slash). */
  pathStart: number;
  /** End of the path = start of `:tag` or `@digest` or the end. */
  pathEnd: number;
  tag: { start: number; end: number } | null;
  digest: { start: number; end: number } | null;
}

/**
 * Splits a reference at its top-level separators: `${VAR:-a/b}` counts as one opaque piece, so its
 * `:` and `/` do not split anything. Memoized: several rules ask on every lint.
 */
export const referenceParts = memoByKey((text: string) => text, (text: string): Readonly<ReferenceParts> => {
  const slashes: number[] = [];
  const colons: number[] = [];
  let at = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) break;
      i = close;
      continue;
    }
    if (c === '@' && at < 0) at = i;
    else if (at < 0 && c === '/') slashes.push(i);
    else if (at < 0 && c === ':') colons.push(i);
  }
  const beforeDigest = at < 0 ? text.length : at;
  const lastSlash = slashes.length ? slashes[slashes.length - 1] : -1;
  const colon = colons.filter((c) => c > lastSlash).pop() ?? -1;
  const first = slashes.length ? text.slice(0, slashes[0]) : null;
  const isHost = first !== null && (first.includes('.') || first.includes(':') || first === 'localhost');
  return {
    hostEnd: isHost ? slashes[0] : null,
    pathStart: isHost ? slashes[0] + 1 : 0,
    pathEnd: colon >= 0 ? colon : beforeDigest,
    tag: colon >= 0 ? { start: colon + 1, end: beforeDigest } : null,
    digest: at >= 0 ? { start: at + 1, end: text.length } : null,
  };
});

/** The base image of a FROM that names an external image. */
export interface FromImage {
  stage: Stage;
  /** The image argument as written in the document, enclosing quotes excluded. */
  written: string;
  /** Document offset where `written` starts. */
  offset: number;
  range: Range;
  /** After ARG substitution; null when a build argument has no known value. */
  resolved: string | null;
  /** Parsed `resolved`, null when unresolved. */
  ref: ImageRef | null;
  /** After substitution with unknown values replaced by {@link UNKNOWN_VALUE}. */
  partial: string;
  /**
   * Tag and digest when the text says what they are even if other parts are unknown (`$REGISTRY/node:20`
   * has tag `20` and no digest). `undefined` = depends on a build argument; null = absent.
   */
  tag: string | null | undefined;
  digest: string | null | undefined;
}

const cache = new WeakMap<DockerfileModel, FromImage[]>();

/** Build-argument defaults visible to FROM (declared before the first FROM), each expanded with the earlier ones. */
function globalDefaults(model: DockerfileModel): Map<string, string | null> {
  const defaults = new Map<string, string | null>();
  for (const arg of model.ast.getInitialARGs()) {
    const property = arg.getProperty();
    if (!property) continue;
    const raw = property.getValue();
    defaults.set(property.getName(), raw === null ? null : substituteVariables(raw, (name) => defaults.get(name)));
  }
  return defaults;
}

function unquote(text: string): { text: string; shift: number } {
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0]) return { text: text.slice(1, -1), shift: 1 };
  return { text, shift: 0 };
}

/** Tag and digest from a partially known reference; see {@link FromImage}. */
function knownTail(partial: string): { tag: string | null | undefined; digest: string | null | undefined } {
  const last = partial.lastIndexOf(UNKNOWN_VALUE);
  if (last < 0) {
    const parts = referenceParts(partial);
    return {
      tag: parts.tag ? partial.slice(parts.tag.start, parts.tag.end) : null,
      digest: parts.digest ? partial.slice(parts.digest.start, parts.digest.end) : null,
    };
  }
  const after = partial.slice(last + 1);
  const slash = after.lastIndexOf('/');
  if (slash >= 0) {
    // Everything from the last path component on is literal.
    const segment = after.slice(slash + 1);
    const at = segment.indexOf('@');
    const name = at < 0 ? segment : segment.slice(0, at);
    const colon = name.indexOf(':');
    return { tag: colon < 0 ? null : name.slice(colon + 1), digest: at < 0 ? null : segment.slice(at + 1) };
  }
  const at = after.indexOf('@');
  if (at >= 0) {
    const colon = after.slice(0, at).lastIndexOf(':');
    return { tag: colon < 0 ? undefined : after.slice(colon + 1, at), digest: after.slice(at + 1) };
  }
  const colon = after.lastIndexOf(':');
  // `$IMAGE:latest`: whatever the image, the tag is `latest` (a variable cannot hold a digest before a tag).
  if (colon >= 0) return { tag: after.slice(colon + 1), digest: null };
  return { tag: undefined, digest: undefined };
}

/** Repository paths are lower-case: `REPLACE-ME` is a template placeholder, not an image. */
function validPath(partial: string): boolean {
  const parts = referenceParts(partial);
  const path = partial.slice(parts.pathStart, parts.pathEnd);
  return path.length > 0 && /^[a-z0-9._/\u0000-]+$/.test(path);
}

/**
 * The external images of a Dockerfile's FROMs: stage references (`FROM builder`, also through an ARG),
 * `scratch`, FROMs without an image and invalid references are left out.
 */
export function fromImages(model: DockerfileModel): FromImage[] {
  const cached = cache.get(model);
  if (cached) return cached;
  let defaults: Map<string, string | null> | null = null;
  const result: FromImage[] = [];
  for (const stage of model.stages) {
    if (stage.parent) continue;
    const imageRange = stage.from.getImageRange();
    if (!imageRange) continue;
    const raw = model.index.textIn(imageRange);
    if (!raw.trim() || /[\r\n]/.test(raw)) continue;
    const { text: written, shift } = unquote(raw);
    if (/["']/.test(written)) continue; // quoting inside the reference: not worth guessing
    const offset = model.offsetAt(imageRange.start) + shift;
    defaults ??= globalDefaults(model);
    const known = defaults;
    const resolved = substituteVariables(written, (name) => known.get(name));
    const partial = resolved ?? substituteVariables(written, (name) => known.get(name) ?? UNKNOWN_VALUE) ?? UNKNOWN_VALUE;
    if (resolved !== null && resolved.toLowerCase() === 'scratch') continue;
    if (partial === UNKNOWN_VALUE || !validPath(partial)) continue;
    const ref = resolved === null ? null : parseImageRef(resolved);
    if (resolved !== null && !ref) continue;
    const { tag, digest } = knownTail(partial);
    result.push({
      stage,
      written,
      offset,
      range: model.rangeOf(offset, offset + written.length),
      resolved,
      ref,
      partial,
      tag,
      digest,
    });
  }
  cache.set(model, result);
  return result;
}

/** Document range of the tag as written in the FROM (it may be `$TAG`); null when the FROM writes no tag. */
export function tagRange(model: DockerfileModel, image: FromImage): Range | null {
  const tag = referenceParts(image.written).tag;
  return tag && tag.end > tag.start ? model.rangeOf(image.offset + tag.start, image.offset + tag.end) : null;
}

/** The reference for messages: as resolved, or as written when a build argument is unknown. */
export function displayName(image: FromImage): string {
  return image.resolved ?? image.written;
}

/** `$BASE` → `` `$BASE` (node:20) ``, so messages show what an ARG stands for. */
export function quoteImage(image: FromImage): string {
  return image.resolved !== null && image.resolved !== image.written ? `\`${image.written}\` (${image.resolved})` : `\`${displayName(image)}\``;
}

export const imageTag: Rule = {
  meta: {
    id: 'image-tag',
    sections: ['3.2.1', '2.2.1'],
    severity: 'warning',
    fixable: false,
    equivalents: { hadolint: ['DL3006', 'DL3007'], trivy: ['DS-0001'], checkov: ['CKV_DOCKER_7'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Base image without a version tag',
        why: 'Without a tag Docker uses `latest`, which is just the most recent push of the image. The same Dockerfile then builds on different bases from one day to the next, possibly with a new major version, and nobody can tell afterwards which one a given build used.',
        how: 'Name the version you tested with, as precisely as the publisher allows (`node:20.11.1-alpine3.19` rather than `node`), or pin a digest. Only you know the right version, so there is no automatic fix.',
      },
      es: {
        title: 'Imagen base sin tag de versión',
        why: 'Sin tag Docker usa `latest`, que solo es lo último que se subió de esa imagen. El mismo Dockerfile acaba construyéndose sobre bases distintas de un día para otro, quizá con una versión mayor nueva, y después nadie sabe qué base usó cada build.',
        how: 'Indica la versión con la que has probado, con tanto detalle como permita quien publica la imagen (`node:20.11.1-alpine3.19` mejor que `node`), o fija un digest. Solo tú sabes qué versión es la correcta, así que no hay arreglo automático.',
      },
    },
  },
  check({ model, report }) {
    for (const image of fromImages(model)) {
      if (image.digest !== null || image.tag === undefined) continue;
      const latest = image.tag === 'latest';
      if (image.tag !== null && !latest) continue;
      const name = quoteImage(image);
      report({
        range: image.range,
        message: latest
          ? {
            en: `${name} uses the \`latest\` tag, which moves with every release of the image: pin the version you tested with.`,
            es: `${name} usa el tag \`latest\`, que cambia con cada publicación de la imagen: fija la versión con la que has probado.`,
          }
          : {
            en: `${name} has no tag, so Docker pulls \`latest\`, which moves with every release of the image: pin the version you tested with.`,
            es: `${name} no tiene tag, así que Docker descarga \`latest\`, que cambia con cada publicación de la imagen: fija la versión con la que has probado.`,
          },
      });
    }
  },
};
