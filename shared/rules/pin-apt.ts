// 3.1.3 Inmutabilidad en dependencias: `apt-get install curl` takes whatever version the index offers on
// the day of the build, so two builds of the same Dockerfile can differ. `curl=7.88.1-10+deb12u5` does not.
//
// Flagged: each operand of `apt-get install`/`apt install`/`aptitude install` (any option order, through
// sudo/env/xargs, in every stage, heredocs and exec form too) without `=`. As in hadolint (DL3008) any `=`
// counts, `curl=7.88.*` included. `nginx/bookworm-backports` only picks a release, not a version: flagged.
// Not flagged: `.deb` files and paths, options and their values (`-t bookworm`, `-o Dpkg::...`), words built
// from variables or command substitutions (`curl=$CURL_VERSION`, `$PKGS`, `$(cat list)`), `pkg-` (removal),
// apt search patterns (`?name(...)`, `~n...`) and globs. `apt-get install -f` names no package.
// No fix: the right version is only known to the archive the build will use.
import type { Rule } from '../rule';
import { unpinnedIn, unpinnedMessage } from '../shell/installs';

export const pinApt: Rule = {
  meta: {
    id: 'pin-apt',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: false,
    equivalents: { hadolint: ['DL3008'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Pin the versions of apt packages',
        why: 'Without a version, apt installs whatever the package index holds when the image is built. Rebuilding the same Dockerfile next month can bring different code into the image, which breaks reproducibility and makes it hard to know what actually ships.',
        how: 'Give every package an exact version, `curl=7.88.1-10+deb12u5` (find it with `apt-cache policy curl` in the base image), and update those versions on purpose, together with the base image tag.',
      },
      es: {
        title: 'Fija las versiones de los paquetes apt',
        why: 'Sin versión, apt instala lo que tenga el índice de paquetes en el momento de construir la imagen. Volver a construir el mismo Dockerfile un mes después puede meter código distinto en la imagen: se pierde la reproducibilidad y cuesta saber qué se está distribuyendo.',
        how: 'Indica una versión exacta para cada paquete, `curl=7.88.1-10+deb12u5` (la muestra `apt-cache policy curl` dentro de la imagen base), y actualiza esas versiones de forma deliberada, junto con la etiqueta de la imagen base.',
      },
    },
  },
  check({ model, report }) {
    for (const { spec, range } of unpinnedIn(model, 'apt')) {
      report({ range, message: unpinnedMessage(spec, `${spec.name}=<version>`) });
    }
  },
};
