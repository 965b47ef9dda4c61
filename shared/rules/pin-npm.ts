// 3.1.3 Inmutabilidad en dependencias: `npm install -g typescript` (or `@latest`, `@^5`, `@next`) installs
// whatever the registry serves at build time; `typescript@5.4.5` is always the same code.
//
// Flagged: each package named by `npm install`/`npm i`/`npm add` (and npm's other install aliases),
// `yarn add`, `yarn global add`, `pnpm add` and `bun add` (through sudo/env/xargs, every stage, heredocs and
// exec form) whose version is missing or is not one exact semver version: tags (`latest`, `next`) and
// ranges (`^1.2`, `~1`, `1.x`, `>=2`) follow new releases. Aliases (`x@npm:pkg@1.2.3`) are judged by the
// aliased version. Not flagged: `npm ci` and `npm install` without package arguments (they install from the
// lock file), local folders and tarballs, git and URL specs, GitHub shorthands (`user/repo`), option values
// (`--prefix /x`, `--registry URL`), words built from variables (`npm@$NPM_VERSION`).
// No fix: the version to pin is the user's choice.
import type { Rule } from '../rule';
import { unpinnedIn, unpinnedMessage } from '../shell/installs';

export const pinNpm: Rule = {
  meta: {
    id: 'pin-npm',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: false,
    equivalents: { hadolint: ['DL3016'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Pin the versions of npm packages',
        why: 'A package installed by name, by tag (`latest`, `next`) or by range (`^1.2`) is resolved against the registry on every build, so the image can silently pick up a new release. The npm ecosystem has seen hijacked maintainer accounts publish malicious versions: an exact version keeps those out of a rebuild.',
        how: 'Name an exact version, `npm install -g typescript@5.4.5`, or put the packages in `package.json` with a committed lock file and install them with `npm ci`.',
      },
      es: {
        title: 'Fija las versiones de los paquetes npm',
        why: 'Un paquete instalado solo por nombre, por etiqueta (`latest`, `next`) o por rango (`^1.2`) se resuelve contra el registro en cada construcción, así que la imagen puede recoger sin avisar una versión nueva. En el ecosistema npm ya se han publicado versiones maliciosas desde cuentas de mantenedores robadas: una versión exacta las deja fuera al reconstruir.',
        how: 'Indica una versión exacta, `npm install -g typescript@5.4.5`, o declara los paquetes en `package.json` con un fichero de bloqueo versionado e instálalos con `npm ci`.',
      },
    },
  },
  check({ model, report }) {
    for (const { spec, range } of unpinnedIn(model, 'npm')) {
      report({ range, message: unpinnedMessage(spec, `${spec.name}@<version>`) });
    }
  },
};
