// 3.2.4 Dockerignore: copying a whole folder of the build context without a .dockerignore sends
// everything in it (.git, .env, keys, local builds) into the image.
import { contextCopies, createDockerignore } from '../dockerignore';
import type { Rule } from '../rule';

export const dockerignore: Rule = {
  meta: {
    id: 'dockerignore',
    sections: ['3.2.4', '2.2.3'],
    severity: 'warning',
    fixable: true,
    equivalents: {},
    docs: {
      en: {
        title: 'Whole-folder COPY without a .dockerignore',
        why: 'COPY . (or any whole folder) takes every file of the build context, including ones nobody meant to ship: the .git history, .env files, private keys, logs and local dependency folders. Once in a layer they stay in the image even if a later step deletes them.',
        how: 'Add a .dockerignore next to the Dockerfile (or <name>.dockerignore for a named Dockerfile) that excludes .git, .env*, keys and build clutter; or copy only the files the image needs.',
      },
      es: {
        title: 'COPY de una carpeta entera sin .dockerignore',
        why: 'COPY . (o cualquier carpeta completa) se lleva todos los ficheros del contexto de build, también los que nadie quería publicar: el historial de .git, ficheros .env, claves privadas, logs y dependencias locales. Una vez en una capa se quedan en la imagen aunque un paso posterior los borre.',
        how: 'Crea un .dockerignore junto al Dockerfile (o <nombre>.dockerignore para un Dockerfile con nombre) que excluya .git, .env*, claves y restos de compilación; o copia solo los ficheros que la imagen necesita.',
      },
    },
  },
  check({ model, options, report }) {
    // Only the caller can look at the disk: undefined means it could not (stdin, unsaved buffer).
    if (options.context?.dockerignore !== null) return;
    // One missing file is one problem: reported on the first whole-folder copy.
    for (const copy of contextCopies(model).slice(0, 1)) {
      report({
        range: copy.range,
        message: {
          en: `${copy.instruction.getKeyword()} ${copy.source} copies the whole build context folder and there is no .dockerignore: .git, .env files and keys would end up in the image.`,
          es: `${copy.instruction.getKeyword()} ${copy.source} copia la carpeta entera del contexto y no hay .dockerignore: .git, ficheros .env y claves acabarían en la imagen.`,
        },
        fixes: [{
          title: { en: 'Create a .dockerignore', es: 'Crear un .dockerignore' },
          kind: 'quickfix',
          edits: [],
          files: [createDockerignore()],
        }],
      });
    }
  },
};
