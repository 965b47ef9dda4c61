// 3.1.3 Inmutabilidad en dependencias: `go install example.com/tool@latest` builds whatever the module's
// newest tag is on the day of the build; `@v1.2.3` (or a pseudo-version or commit) is always the same code.
//
// Flagged: each module package of `go install` and `go get` (through sudo/env/xargs, every stage, heredocs
// and exec form) whose `@version` is not exact: `@latest`, `@upgrade`, `@patch`, branch names (`@main`),
// version prefixes (`@v1`, `@v1.2`). `go get x` without `@` means `@upgrade` (and in GOPATH mode, the default
// branch): flagged. `go install x` without `@` is NOT flagged: inside a module its version comes from go.mod
// (the usual way of pinning tools), outside one a current Go refuses it, and in GOPATH mode it only builds
// sources already fetched (by a `go get`, which is flagged, or a COPY).
// Not flagged: local packages (`.`, `./cmd/...`, `/src/x`), paths whose first element has no dot (the
// standard library and the current module), `@none`, words built from variables (`x@${VERSION}`).
// No fix: the version to pin is the user's choice.
import type { Rule } from '../rule';
import { unpinnedIn, unpinnedMessage } from '../shell/installs';

export const pinGo: Rule = {
  meta: {
    id: 'pin-go',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Pin the versions of Go modules',
        why: '`@latest`, a branch name or a missing version makes Go resolve the module against its source every time the image is built. A new tag, or a force-pushed branch, changes the binary that ends up in the image without any change to the Dockerfile.',
        how: 'Install tools with an exact version, `go install golang.org/x/tools/gopls@v0.15.3` (a pseudo-version or commit also works), or track them in go.mod and run `go install` on the package path without a version.',
      },
      es: {
        title: 'Fija las versiones de los módulos de Go',
        why: '`@latest`, un nombre de rama o la falta de versión hacen que Go resuelva el módulo contra su origen en cada construcción de la imagen. Una etiqueta nueva, o una rama reescrita, cambia el binario que acaba en la imagen sin que cambie el Dockerfile.',
        how: 'Instala las herramientas con una versión exacta, `go install golang.org/x/tools/gopls@v0.15.3` (también vale una pseudo-versión o un commit), o regístralas en go.mod y ejecuta `go install` con la ruta del paquete sin versión.',
      },
    },
  },
  check({ model, report }) {
    for (const { spec, call, range } of unpinnedIn(model, 'go')) {
      // `go install x` without `@`: go.mod decides.
      if (call.subcommand === 'install' && spec.constraint === null) continue;
      report({ range, message: unpinnedMessage(spec, `${spec.name}@<version>`) });
    }
  },
};
