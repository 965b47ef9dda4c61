// 3.1.3 Inmutabilidad en dependencias: `dnf install -y nginx` installs the newest build in the enabled
// repositories on the day of the build; `nginx-1.24.0-1.el9` is always the same package.
//
// Flagged: each operand of `yum`/`dnf`/`microdnf`/`tdnf install` and `zypper install`/`in` (any option
// order, through sudo/env/xargs, every stage, heredocs and exec form) without a version. rpm names hold
// dashes and numbers themselves (`java-17-openjdk`, `gcc-toolset-13`), so a version is recognised when the
// last dash-separated part starts with a digit and holds a `.` or `:` (`nginx-1.24.0`, `nginx-1.24.0-1.el9`,
// `nginx-1:1.24.0-1.el9.x86_64`) or follows another part starting with a digit (`tzdata-2024a-1`), or by an
// operator (`nginx = 1.24`, `nginx>=1.24`, accepted like hadolint's DL3037 for zypper). Limits of that
// heuristic: `pkg-2` (a one-number version) is flagged, `cuda-toolkit-12-4` (a name) reads as pinned.
// Not flagged: `.rpm` files, paths and URLs (`https://.../epel-release-latest-9.noarch.rpm`), groups,
// environments and module streams (`@development`, `@nodejs:20`; `groupinstall` and `dnf module install`
// are not installs of named packages either), capabilities (`perl(JSON)`, `dnf-command(config-manager)`),
// zypper patterns/patches/products (`-t pattern`, `pattern:x`), globs, option values (`--enablerepo x`),
// words built from variables. No fix: the version depends on the repositories the build uses.
import type { Rule } from '../rule';
import { unpinnedIn, unpinnedMessage } from '../shell/installs';

export const pinRpm: Rule = {
  meta: {
    id: 'pin-rpm',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: false,
    equivalents: { hadolint: ['DL3033', 'DL3037', 'DL3041'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Pin the versions of rpm packages',
        why: 'yum, dnf and zypper install the newest build the enabled repositories offer when no version is given. Each rebuild of the image can then ship different packages than the last one, which defeats reproducible builds and lets untested updates in unnoticed.',
        how: 'Name the exact version: `dnf install -y nginx-1.24.0-1.el9` (`dnf list --showduplicates nginx` lists them) or, with zypper, `zypper install -y nginx=1.24.0`. Update those versions on purpose, together with the base image.',
      },
      es: {
        title: 'Fija las versiones de los paquetes rpm',
        why: 'yum, dnf y zypper instalan la compilación más reciente de los repositorios activos cuando no se indica versión. Cada reconstrucción de la imagen puede llevar paquetes distintos a la anterior, lo que impide construcciones reproducibles y deja entrar actualizaciones sin probar.',
        how: 'Indica la versión exacta: `dnf install -y nginx-1.24.0-1.el9` (`dnf list --showduplicates nginx` las muestra) o, con zypper, `zypper install -y nginx=1.24.0`. Actualiza esas versiones de forma deliberada, junto con la imagen base.',
      },
    },
  },
  check({ model, report }) {
    for (const { spec, call, range } of unpinnedIn(model, 'rpm')) {
      const example = call.tool === 'zypper' ? `${spec.name}=<version>` : `${spec.name}-<version>`;
      report({ range, message: unpinnedMessage(spec, example) });
    }
  },
};
