// 3.1.3 Inmutabilidad en dependencias: `pip install flask` resolves to the newest release on PyPI at build
// time. Only `flask==3.0.3` fixes what goes into the image.
//
// Flagged: each requirement of `pip install`, `pip3 install`, `python -m pip install` and `uv pip install`
// (through sudo/env/xargs, every stage, heredocs and exec form) with no `==`/`===` clause. Ranges such as
// `>=3`, `~=3.0`, `!=2.1` or `<4` are flagged too: they still follow new releases. The self-upgrade
// `pip install --upgrade pip setuptools wheel` is flagged like any other package: it changes the tooling
// that builds every later package (setuptools releases have broken builds overnight), and pinning it is
// exactly what keeps the image reproducible.
// Not flagged: requirement and constraint files (`-r`, `-c`: their content is another matter), editable
// installs (`-e .`), paths, wheels and source archives, URLs and VCS references (`git+https://...`,
// `name @ url`), offline installs (`--no-index`, usually with `--find-links /wheels` built from a lock), words built
// from variables (`"flask==$VERSION"`, `$PKGS`). `pipx`, `poetry` and `conda` are out of scope.
// No fix: the version to pin is the user's choice.
import type { Rule } from '../rule';
import { unpinnedIn, unpinnedMessage } from '../shell/installs';

export const pinPip: Rule = {
  meta: {
    id: 'pin-pip',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: false,
    equivalents: { hadolint: ['DL3013'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Pin the versions of pip packages',
        why: 'A requirement without `==` is resolved against PyPI every time the image is built, so each build can pick up a newer release, with new bugs, breaking changes or, in the worst case, a compromised upload. A range like `>=2` has the same problem.',
        how: 'Write an exact version for each package, `flask==3.0.3`, or better, keep them in a requirements file with exact versions (and hashes, with `--require-hashes`) and install it with `-r`.',
      },
      es: {
        title: 'Fija las versiones de los paquetes pip',
        why: 'Un requisito sin `==` se resuelve contra PyPI en cada construcción de la imagen, así que cada construcción puede recoger una versión más nueva, con fallos nuevos, cambios incompatibles o, en el peor caso, una publicación comprometida. Un rango como `>=2` tiene el mismo problema.',
        how: 'Escribe una versión exacta para cada paquete, `flask==3.0.3`, o mejor aún, guárdalos en un fichero de requisitos con versiones exactas (y hashes, con `--require-hashes`) e instálalo con `-r`.',
      },
    },
  },
  check({ model, report }) {
    for (const { spec, range } of unpinnedIn(model, 'pip')) {
      report({ range, message: unpinnedMessage(spec, `${spec.name}==<version>`) });
    }
  },
};
