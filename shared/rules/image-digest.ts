// 2.2.1 Imágenes base (Tags) / 3.2.1 Tags: even a full version tag can be pushed again; only a digest names
// one exact image. A hint, since pinning digests is a team policy that needs tooling to keep them fresh.
import type { Rule } from '../rule';
import { fromImages, quoteImage } from './image-tag';

export const imageDigest: Rule = {
  meta: {
    id: 'image-digest',
    sections: ['2.2.1', '3.2.1'],
    severity: 'hint',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Base image not pinned by digest',
        why: 'A tag is a movable name: the publisher (or anyone who takes over the account or the registry path) can push a different image under it, and rebuilt official images replace their tags regularly. A digest (`@sha256:...`) is the hash of one exact image, so the build always starts from the bytes you reviewed.',
        how: 'Append the digest to the reference, keeping the tag for readers: `FROM node:20.11.1-alpine3.19@sha256:<digest>` (`docker buildx imagetools inspect <image>` prints it). Let a bot such as Renovate or Dependabot update tag and digest together. The digest cannot be computed offline, so there is no automatic fix.',
      },
      es: {
        title: 'Imagen base sin fijar por digest',
        why: 'Un tag es un nombre que se puede mover: quien publica la imagen (o quien se haga con la cuenta o la ruta del registro) puede subir otra imagen con el mismo tag, y las imágenes oficiales se reconstruyen y reemplazan sus tags a menudo. Un digest (`@sha256:...`) es el hash de una imagen exacta, así que la build parte siempre de los mismos bytes que revisaste.',
        how: 'Añade el digest a la referencia y conserva el tag para quien lea: `FROM node:20.11.1-alpine3.19@sha256:<digest>` (`docker buildx imagetools inspect <imagen>` lo muestra). Deja que un bot como Renovate o Dependabot actualice tag y digest a la vez. El digest no se puede calcular sin conexión, así que no hay arreglo automático.',
      },
    },
  },
  check({ model, report }) {
    for (const image of fromImages(model)) {
      if (image.digest !== null) continue; // pinned, or decided by a build argument
      const name = quoteImage(image);
      report({
        range: image.range,
        message: {
          en: `${name} is not pinned by digest: the image behind its tag can be replaced. Append \`@sha256:<digest>\` to build from one exact image.`,
          es: `${name} no está fijada por digest: la imagen detrás de su tag se puede reemplazar. Añade \`@sha256:<digest>\` para construir siempre sobre la misma imagen.`,
        },
      });
    }
  },
};
