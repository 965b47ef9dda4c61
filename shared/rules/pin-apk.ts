// 3.1.3 Inmutabilidad en dependencias: `apk add curl` installs the newest build in the repositories at
// build time; `curl=8.5.0-r0` installs the same one every time (`git@edge=2.45.2-r0` keeps the repository tag).
//
// Flagged: each operand of `apk add` (through sudo/env/xargs, every stage, heredocs and exec form) without
// a version operator. Like hadolint (DL3018), any of `=`, `~` (fuzzy `~=`), `<` and `>` counts as pinned:
// apk keeps no lock file, and an explicit constraint is a version chosen on purpose, which is what this
// rule asks for; the strictness of the range is left to the author. `curl@edge` only picks a repository:
// flagged. Not flagged: option values (`--virtual .build-deps`, `-t`, `--repository URL`), `.apk` files and
// paths, providers (`so:libssl.so.3`, `cmd:git`), globs, and words built from variables (`$PKGS`,
// `curl=$CURL_VERSION`). No fix: the version depends on the Alpine release the image builds on.
import type { Rule } from '../rule';
import { unpinnedIn, unpinnedMessage } from '../shell/installs';

export const pinApk: Rule = {
  meta: {
    id: 'pin-apk',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: false,
    equivalents: { hadolint: ['DL3018'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Pin the versions of apk packages',
        why: 'An apk package without a version resolves to whatever the Alpine repositories publish on the day of the build. Two builds of the same Dockerfile can then contain different software, and a surprise upgrade can break the image or bring in untested code.',
        how: 'Add an exact version to each package, `curl=8.5.0-r0` (listed by `apk policy curl` or on the Alpine package index for your release), and raise it deliberately when you move to a newer base image.',
      },
      es: {
        title: 'Fija las versiones de los paquetes apk',
        why: 'Un paquete apk sin versión se resuelve con lo que publiquen los repositorios de Alpine el día de la construcción. Dos construcciones del mismo Dockerfile pueden acabar con software distinto, y una actualización inesperada puede romper la imagen o colar código sin probar.',
        how: 'Añade una versión exacta a cada paquete, `curl=8.5.0-r0` (la indica `apk policy curl` o el índice de paquetes de Alpine de tu versión), y súbela a propósito al cambiar de imagen base.',
      },
    },
  },
  check({ model, report }) {
    for (const { spec, range } of unpinnedIn(model, 'apk')) {
      report({ range, message: unpinnedMessage(spec, `${spec.value}=<version>`) });
    }
  },
};
