// 3.1.6 Multi-stage / 3.1.1 Elegir la imagen base: an image that compiles its own application ships the
// compiler, the sources and the build caches with it. Building in one stage and copying only the result
// into a small runtime image leaves all of that behind.
//
// Flagged (on the FROM of the final stage): the final image (its stage and the stages it builds on with
// `FROM <stage>`) copies nothing from another stage and builds an application: `go build`, `go install`
// of the local module, `cargo build`, `cargo install --path`, `mvn package|install|verify`, gradle build
// tasks (`gradle build`, `./gradlew bootJar`...), a `build`/`compile` script of npm, yarn, pnpm or bun, or
// `dotnet publish|build`; and the toolchain stays in the image: either the base is a toolchain image
// (golang, rust, maven, gradle, gcc, buildpack-deps, a JDK, the .NET SDK: see shared/toolchains.ts), or
// the toolchain came from the build steps and nothing removes it afterwards.
//
// Deliberately quiet: `make`, `./configure`, `gcc` and compiler installs alone (official images build
// their runtime from source that way, usually removing the compilers in the same RUN); builds followed
// by a removal of packages or of the toolchain's folder (`apk del .build-deps`, `apt-get purge`,
// `rm -rf /usr/local/go`), JavaScript builds followed by `npm prune --production` or the like; dev
// container images and final stages named `dev`, `test`, `ci`...; RUNs that cannot be parsed (exec form,
// PowerShell). No fix: splitting stages needs the author's knowledge of what the application needs.
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import type { Rule } from '../rule';
import type { ShellCommand } from '../shell/parser';
import {
  appBuildOf, dropsJsDevDependencies, finalChain, isDevEnvironment, removesToolchain, rootImageRef, toolchainOf,
  usesOtherStage, type AppBuild,
} from '../toolchains';

interface FoundBuild {
  stage: Stage;
  instruction: Instruction;
  shell: RunShell;
  build: AppBuild;
}

function firstBuild(model: DockerfileModel, chain: Stage[]): FoundBuild | null {
  for (const stage of chain) {
    for (const { instruction, shell } of model.runsOf(stage)) {
      for (const command of shell.script.commands) {
        const build = appBuildOf(command);
        if (build) return { stage, instruction, shell, build };
      }
    }
  }
  return null;
}

/** Something after the build (same RUN or a later one of the final image) takes the toolchain away. */
function cleanedAfter(model: DockerfileModel, chain: Stage[], found: FoundBuild): boolean {
  const cleans = found.build.tool === 'js' ? (c: ShellCommand) => dropsJsDevDependencies(c) : removesToolchain;
  let after = false;
  for (const stage of chain) {
    for (const { instruction, shell } of model.runsOf(stage)) {
      if (instruction === found.instruction) {
        after = true;
        if (shell.script.commands.some((c) => c.start >= found.build.command.end && cleans(c))) return true;
        continue;
      }
      if (after && shell.script.commands.some(cleans)) return true;
    }
  }
  return false;
}

export const multiStage: Rule = {
  meta: {
    id: 'multi-stage',
    sections: ['3.1.6', '3.1.1'],
    severity: 'info',
    fixable: false,
    equivalents: {},
    docs: {
      en: {
        title: 'Build in a separate stage',
        why: 'When the image that runs the application also compiles it, everything the build needed ships too: compilers, SDKs, package caches, development dependencies and the source tree. That makes the image larger and gives an attacker who gets in far more tools to work with, none of which the application uses.',
        how: 'Split the Dockerfile in two stages: build in the first, on the toolchain image, and copy only the result into a small runtime image (slim, alpine, distroless or scratch):\n\n```dockerfile\nFROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n```',
      },
      es: {
        title: 'Compila en una etapa aparte',
        why: 'Si la imagen que ejecuta la aplicación también la compila, todo lo que necesitó la compilación viaja con ella: compiladores, SDKs, cachés de paquetes, dependencias de desarrollo y el código fuente. La imagen crece y quien consiga entrar tiene muchas más herramientas a mano, ninguna de las cuales usa la aplicación.',
        how: 'Divide el Dockerfile en dos etapas: compila en la primera, sobre la imagen con las herramientas, y copia solo el resultado a una imagen de ejecución pequeña (slim, alpine, distroless o scratch):\n\n```dockerfile\nFROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n```',
      },
    },
  },
  check({ model, report }) {
    const final = model.finalStage;
    if (!final || isDevEnvironment(model)) return;
    const chain = finalChain(model);
    if (usesOtherStage(model, chain)) return;
    const found = firstBuild(model, chain);
    if (!found) return;
    const base = rootImageRef(model, final);
    const toolchain = toolchainOf(base);
    if (!toolchain && cleanedAfter(model, chain, found)) return;
    const label = found.build.label;
    const message = toolchain && base
      ? {
        en: `The final image runs \`${label}\` on \`${base.raw}\`, which ships ${toolchain.what.en}, and copies nothing from a build stage: the toolchain and the sources ship with the application. Build in a first stage and copy only the result into a runtime image.`,
        es: `La imagen final ejecuta \`${label}\` sobre \`${base.raw}\`, que incluye ${toolchain.what.es}, y no copia nada de una etapa de compilación: las herramientas y el código fuente viajan con la aplicación. Compila en una primera etapa y copia solo el resultado a una imagen de ejecución.`,
      }
      : {
        en: `The final image runs \`${label}\` and copies nothing from a build stage: what the build needed (toolchain, dependencies, sources) stays in the image. Build in a first stage and copy only the result into a runtime image.`,
        es: `La imagen final ejecuta \`${label}\` y no copia nada de una etapa de compilación: lo que necesitó la compilación (herramientas, dependencias, código fuente) se queda en la imagen. Compila en una primera etapa y copia solo el resultado a una imagen de ejecución.`,
      };
    report({ range: final.from.getInstructionRange(), message });
  },
};
