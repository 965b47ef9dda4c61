// 2.2.1 Imágenes base (Tags) / 3.2.1 Tags: `node:18` or `node:lts-alpine` look pinned but are channels that
// the publisher moves to each new release; only a full version (`node:18.1.0-alpine3.15`) stays put.
// Untagged and `latest` images are image-tag's; digests, stamps and images of unknown versioning are left alone.
import { imageFullName, tagStability, type TagStability } from '../images';
import type { Rule } from '../rule';
import type { Localized } from '../types';
import { fromImages, tagRange } from './image-tag';

/** `20` with 3 parts needed → `20.x.y`. */
function fullExample(version: string, needed: number): string {
  const letters = ['x', 'y', 'z', 'w'];
  const parts = version.split('.');
  while (parts.length < needed) parts.push(letters[parts.length - version.split('.').length] ?? 'x');
  return parts.join('.');
}

function messageFor(stability: TagStability, tag: string, image: string): Localized | null {
  switch (stability.kind) {
    case 'partial': {
      const example = fullExample(stability.version, stability.needed);
      return {
        en: `Tag \`${tag}\` names only part of a version of ${image}: the image behind it changes with every ${example} release. Pin a full version (${example}) or a digest.`,
        es: `El tag \`${tag}\` solo nombra parte de una versión de ${image}: la imagen que hay detrás cambia con cada versión ${example}. Fija una versión completa (${example}) o un digest.`,
      };
    }
    case 'alias':
      return {
        en: `Tag \`${tag}\` of ${image} is a moving alias (\`${stability.alias}\`): it points to a different release over time. Pin a full version or a digest.`,
        es: `El tag \`${tag}\` de ${image} es un alias que se mueve (\`${stability.alias}\`): apunta a distintas versiones con el tiempo. Fija una versión completa o un digest.`,
      };
    case 'codename':
      return {
        en: `Tag \`${tag}\` of ${image} follows every point release of \`${stability.codename}\`. Pin a point release or a dated tag (\`${stability.codename}-YYYYMMDD\`), or a digest.`,
        es: `El tag \`${tag}\` de ${image} sigue cada versión menor de \`${stability.codename}\`. Fija una versión menor concreta o un tag con fecha (\`${stability.codename}-AAAAMMDD\`), o un digest.`,
      };
    case 'versionless':
      return {
        en: `Tag \`${tag}\` of ${image} names a variant but no version, so it follows the newest release. Put a full version in the tag or pin a digest.`,
        es: `El tag \`${tag}\` de ${image} nombra una variante pero ninguna versión, así que sigue a la última publicada. Pon una versión completa en el tag o fija un digest.`,
      };
    default:
      return null;
  }
}

export const imageFloatingTag: Rule = {
  meta: {
    id: 'image-floating-tag',
    sections: ['2.2.1', '3.2.1'],
    severity: 'info',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Base image tag that moves',
        why: 'Tags such as `node:20`, `python:3.12`, `node:lts-alpine` or `debian:bookworm` are channels: the publisher points them at each new patch or point release. Builds a few weeks apart then run on different software without any change to the Dockerfile, and bugs that appear only in one environment become hard to trace.',
        how: 'Use the full version the publisher releases (`node:20.11.1-alpine3.19`, `python:3.12.2-slim-bookworm`, a dated `debian:bookworm-20240311`), or pin a digest, and update it on purpose (a bot such as Renovate or Dependabot can propose the bumps).',
      },
      es: {
        title: 'Tag de imagen base que se mueve',
        why: 'Tags como `node:20`, `python:3.12`, `node:lts-alpine` o `debian:bookworm` son canales: quien publica la imagen los mueve a cada nueva versión de parche o menor. Dos builds separadas por unas semanas usan software distinto sin tocar el Dockerfile, y los fallos que solo aparecen en un entorno cuestan mucho de rastrear.',
        how: 'Usa la versión completa que publica la imagen (`node:20.11.1-alpine3.19`, `python:3.12.2-slim-bookworm`, un `debian:bookworm-20240311` con fecha) o fija un digest, y actualízala a propósito (un bot como Renovate o Dependabot puede proponer los cambios).',
      },
    },
  },
  check({ model, report }) {
    for (const image of fromImages(model)) {
      if (!image.ref || image.digest !== null) continue;
      const stability = tagStability(image.ref);
      const message = messageFor(stability, image.ref.tag ?? '', imageFullName(image.ref));
      if (!message) continue;
      report({ range: tagRange(model, image) ?? image.range, message });
    }
  },
};
