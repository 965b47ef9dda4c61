// 3.2.3 Registros / 2.2.1 Imágenes base (Origen confiable): where images come from is a trust decision. When
// the team lists the registries it trusts (`trustedRegistries`), a FROM pulling from anywhere else is an
// error. Off until configured: without a list there is nothing to compare with.
import { normalizeRegistryHost, parseRegistryEntry, registryEntryMatches, registryPath, type RegistryEntry } from '../images';
import type { Rule } from '../rule';
import { fromImages, quoteImage, referenceParts, UNKNOWN_VALUE, type FromImage } from './image-tag';

/** Registry host and (possibly partial) path of an image; null when a build argument decides the registry. */
function locate(image: FromImage): { registry: string; path: string; complete: boolean; written: boolean } | null {
  if (image.ref) {
    const parts = referenceParts(image.written);
    const written = parts.hostEnd !== null && !image.written.slice(0, parts.hostEnd).includes('$');
    return { registry: image.ref.registry, path: registryPath(image.ref), complete: true, written };
  }
  // Partly unknown: decide only from the literal text before the first unknown value.
  const head = image.partial.slice(0, image.partial.indexOf(UNKNOWN_VALUE));
  const slash = head.indexOf('/');
  if (slash < 0) {
    // `node:$TAG`: a single-component name, so a Docker Hub official image.
    const stop = head.search(/[:@]/);
    if (stop <= 0) return null;
    return { registry: 'docker.io', path: `library/${head.slice(0, stop).toLowerCase()}`, complete: true, written: false };
  }
  const first = head.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = isHost ? normalizeRegistryHost(first) : 'docker.io';
  let path = (isHost ? head.slice(slash + 1) : head).toLowerCase();
  const pathEnd = path.search(/[:@]/);
  const complete = pathEnd >= 0;
  if (complete) path = path.slice(0, pathEnd);
  if (registry === 'docker.io') path = path.replace(/^(library\/)?/, 'library/').replace(/^library\/([^/]+\/)/, '$1');
  return { registry, path, complete, written: isHost };
}

export const imageRegistry: Rule = {
  meta: {
    id: 'image-registry',
    sections: ['3.2.3', '2.2.1'],
    severity: 'error',
    fixable: false,
    equivalents: { hadolint: ['DL3026'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Base image from a registry that is not trusted',
        why: 'Pulling a base image means running code published by whoever controls that registry path. Teams that vet their sources (an internal mirror, a few known publishers) lose that guarantee as soon as one FROM points somewhere else, and a typo in a registry name can hand the build to a stranger.',
        how: 'Pull the image from one of the configured registries (mirror it there if needed), or add its registry to `trustedRegistries` once it has been vetted. Entries are hosts (`ghcr.io`), hosts with a path prefix (`ghcr.io/my-org`) or wildcard hosts (`*.example.com`); Docker Hub is `docker.io`.',
      },
      es: {
        title: 'Imagen base de un registro no confiable',
        why: 'Descargar una imagen base es ejecutar código publicado por quien controle esa ruta del registro. Los equipos que revisan sus orígenes (un mirror interno, unos pocos publicadores conocidos) pierden esa garantía en cuanto un FROM apunta a otro sitio, y una errata en el nombre del registro puede dejar la build en manos de un desconocido.',
        how: 'Descarga la imagen de uno de los registros configurados (replícala allí si hace falta) o añade su registro a `trustedRegistries` cuando lo hayáis revisado. Las entradas son hosts (`ghcr.io`), hosts con un prefijo de ruta (`ghcr.io/mi-org`) o hosts con comodín (`*.example.com`); Docker Hub es `docker.io`.',
      },
    },
  },
  check({ model, options, report }) {
    const entries = (options.trustedRegistries ?? [])
      .map(parseRegistryEntry)
      .filter((e): e is RegistryEntry => e !== null);
    if (!entries.length) return;
    const list = options.trustedRegistries!.map((r) => `\`${r.trim()}\``).join(', ');
    for (const image of fromImages(model)) {
      const where = locate(image);
      if (!where) continue;
      const verdicts = entries.map((e) => registryEntryMatches(e, where.registry, where.path, where.complete));
      if (verdicts.includes(true) || verdicts.includes(null)) continue;
      const parts = referenceParts(image.written);
      const range = where.written && parts.hostEnd !== null ? model.rangeOf(image.offset, image.offset + parts.hostEnd) : image.range;
      const source = where.registry === 'docker.io' ? 'Docker Hub (`docker.io`)' : `\`${where.registry}\``;
      report({
        range,
        message: {
          en: `${quoteImage(image)} comes from ${source}, which is not among the trusted registries (${list}).`,
          es: `${quoteImage(image)} viene de ${source}, que no está entre los registros confiables (${list}).`,
        },
      });
    }
  },
};
