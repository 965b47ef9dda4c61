// 3.2.4 Dockerignore / 2.2.3 secrets: a .dockerignore exists but still lets secrets or VCS data into
// the build context that a whole-folder COPY sends into the image.
import { appendPatterns, contextCopies, unignoredSensitive } from '../dockerignore';
import type { Rule } from '../rule';

export const dockerignoreSecrets: Rule = {
  meta: {
    id: 'dockerignore-secrets',
    sections: ['3.2.4', '2.2.3'],
    severity: 'warning',
    fixable: true,
    equivalents: {},
    docs: {
      en: {
        title: '.dockerignore lets secrets into the image',
        why: 'A .dockerignore only protects what it lists. If .git, .env files or private keys are not excluded, a COPY of the whole folder puts them in a layer, where anyone who can pull the image can read them.',
        how: 'Add patterns for .git, .env and .env.*, SSH keys, *.key, *.pem and credentials files to the .dockerignore (Docker matches them with its own rules: `**/` reaches subfolders).',
      },
      es: {
        title: '.dockerignore deja pasar secretos a la imagen',
        why: 'Un .dockerignore solo protege lo que enumera. Si no excluye .git, los ficheros .env o las claves privadas, un COPY de la carpeta entera los mete en una capa, donde cualquiera que descargue la imagen puede leerlos.',
        how: 'Añade al .dockerignore patrones para .git, .env y .env.*, claves SSH, *.key, *.pem y ficheros de credenciales (Docker los evalúa con sus propias reglas: `**/` alcanza las subcarpetas).',
      },
    },
  },
  check({ model, options, report }) {
    const file = options.context?.dockerignore;
    if (!file) return;
    const copies = contextCopies(model);
    if (!copies.length) return;
    const missing = unignoredSensitive(file.text);
    if (!missing.length) return;
    const what = [...new Set(missing.map((m) => m.what))].join(', ');
    const patterns = [...new Set(missing.map((m) => m.pattern))];
    const copy = copies[0];
    report({
      range: copy.range,
      message: {
        en: `${copy.instruction.getKeyword()} ${copy.source} sends the build context into the image and ${file.path} does not exclude: ${what}.`,
        es: `${copy.instruction.getKeyword()} ${copy.source} mete el contexto de build en la imagen y ${file.path} no excluye: ${what}.`,
      },
      fixes: [{
        title: { en: `Add the missing patterns to ${file.path}`, es: `Añadir los patrones que faltan a ${file.path}` },
        kind: 'quickfix',
        edits: [],
        files: [appendPatterns(file, patterns)],
      }],
    });
  },
};
