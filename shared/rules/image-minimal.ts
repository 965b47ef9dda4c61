// 3.1.1 Elegir la imagen base / 2.2.1 Imágenes base (Minimalismo): the image that ships should be as small
// as the application allows. When the final image starts from a publisher's full variant (full Debian, a
// JDK, an SDK, a build tool) and the publisher documents a smaller one, offer it. Build stages are free to
// be big: they do not ship.
import type { Instruction, JSONInstruction } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from '../dockerfile';
import { imageFullName, parseImageRef, slimmerVariants, tagStability, type ImageRef, type SlimAdvice, type SlimVariant } from '../images';
import type { Rule } from '../rule';
import { basename, packageManagerCall, unwrapCommand } from '../shell/commands';
import type { Localized, LocalizedFix, TextEdit } from '../types';
import { fromImages, quoteImage, referenceParts, type FromImage } from './image-tag';

/** The final stage and the stages it builds on (`FROM base`), nearest first. */
function finalChain(model: DockerfileModel): Stage[] {
  const chain: Stage[] = [];
  for (let s = model.finalStage; s && !chain.includes(s); s = s.parent) chain.push(s);
  return chain;
}

const DEBIAN_TOOL = /^(apt|apt-get|aptitude|dpkg|dpkg-[a-z-]+|apt-[a-z-]+|debconf-[a-z-]+)$/;

/** The stages run apt or dpkg: an Alpine variant (apk, musl) would not build. */
function usesDebianTools(model: DockerfileModel, chain: Stage[]): boolean {
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== 'RUN') continue;
      const shell = model.shellOf(instruction);
      if (shell) {
        for (const command of shell.script.commands) {
          if (packageManagerCall(command)?.manager === 'apt') return true;
          const program = basename(unwrapCommand(command)?.name.value ?? null);
          if (program && DEBIAN_TOOL.test(program)) return true;
        }
        continue;
      }
      // Exec form (or a non-POSIX shell): look at the program only.
      const first = (instruction as Instruction as JSONInstruction).getJSONStrings?.()[0]?.getJSONValue();
      if (first && DEBIAN_TOOL.test(basename(first) ?? '')) return true;
    }
  }
  return false;
}

// Programs that make the image a toolchain rather than an application: build tools always, shells and
// interpreters when started bare (an interactive prompt).
const BUILD_TOOLS = new Set(['gradle', 'gradlew', 'mvn', 'mvnw', 'ant', 'sbt', 'lein', 'go', 'cargo', 'rustc', 'make', 'gcc', 'cc', 'javac']);
const PROMPTS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'fish', 'pwsh', 'powershell', 'cmd', 'python', 'python3', 'node', 'ruby', 'irb',
  'php', 'perl', 'erl', 'iex', 'ghci', 'jshell', 'julia', 'R', 'scala', 'groovysh', 'lua']);

function commandWords(instruction: Instruction): string[] {
  const json = (instruction as JSONInstruction).getJSONStrings?.() ?? [];
  if (json.length || ((instruction as JSONInstruction).getOpeningBracket?.() && (instruction as JSONInstruction).getClosingBracket?.())) {
    return json.map((s) => s.getJSONValue());
  }
  return instruction.getArguments().map((a) => a.getValue());
}

/**
 * Whether the final image runs an application, judged from the last ENTRYPOINT and CMD of its stages. Not
 * when it defines neither (a base for other images, a dev container), runs a build tool or a bare prompt
 * (a toolchain image), or has ONBUILD triggers (a template for downstream builds): there the full variant
 * is usually the point.
 */
function runsApplication(chain: Stage[]): boolean {
  if (chain.some((s) => s.instructions.some((i) => i.getKeyword() === 'ONBUILD'))) return false;
  const last = (keyword: string): Instruction | null => {
    for (const stage of chain) {
      const found = stage.instructions.filter((i) => i.getKeyword() === keyword);
      if (found.length) return found[found.length - 1];
    }
    return null;
  };
  const entrypoint = last('ENTRYPOINT');
  const cmd = last('CMD');
  const entryWords = entrypoint ? commandWords(entrypoint) : [];
  const cmdWords = cmd ? commandWords(cmd) : [];
  let words = entryWords.length ? entryWords : cmdWords;
  // `ENTRYPOINT ["docker-entrypoint.sh"]` only prepares the environment: the CMD says what runs.
  if (entryWords.length === 1 && /entrypoint/i.test(basename(entryWords[0]) ?? '') && cmdWords.length) words = cmdWords;
  if (!words.length) return false;
  const program = basename(words[0]) ?? '';
  if (BUILD_TOOLS.has(program)) return false;
  if (PROMPTS.has(program) && words.length === 1) return false;
  return true;
}

const RANK: Record<string, number> = { pinned: 0, unknown: 0, partial: 1, alias: 1, codename: 1, versionless: 1, latest: 2 };

/** The reference for a variant as it will read (`node:20-slim`, `mcr.microsoft.com/dotnet/aspnet:8.0`). */
function variantName(ref: ImageRef, variant: SlimVariant): string {
  const full = imageFullName(ref);
  const base = variant.name ? full.slice(0, full.length - ref.name.length) + variant.name : full;
  return `${base}:${variant.tag}`;
}

/** Rewrites the tag as written, through a build argument when its literal tail is what changes. */
function rewriteTag(written: string, resolved: string, next: string): string | null {
  if (!written.includes('$')) return next;
  const lastVar = Math.max(written.lastIndexOf('}') + 1, ...[...written.matchAll(/\$[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m.index! + m[0].length));
  const tail = written.slice(lastVar);
  if (tail.includes('$') || !resolved.toLowerCase().endsWith(tail.toLowerCase())) return null;
  const head = resolved.slice(0, resolved.length - tail.length).toLowerCase();
  if (!next.startsWith(head)) return null;
  return written.slice(0, written.length - tail.length) + next.slice(head.length);
}

/** The edit that turns the FROM into the variant, or null when the reference cannot be rewritten here. */
function variantEdit(model: DockerfileModel, image: FromImage, variant: SlimVariant): TextEdit | null {
  const ref = image.ref!;
  const parts = referenceParts(image.written);
  if (parts.digest) return null; // a digest pins the old image: the new one needs its own
  if (variant.name) {
    // Another repository: the last path component and the tag must be written literally.
    const slash = image.written.slice(0, parts.pathEnd).lastIndexOf('/');
    const start = Math.max(slash + 1, parts.pathStart);
    const end = parts.tag ? parts.tag.end : parts.pathEnd;
    const segment = image.written.slice(start, end);
    if (segment.includes('$')) return null;
    return { range: model.rangeOf(image.offset + start, image.offset + end), newText: `${variant.name}:${variant.tag}` };
  }
  if (!parts.tag || ref.tag === null) return null;
  const writtenTag = image.written.slice(parts.tag.start, parts.tag.end);
  const newTag = rewriteTag(writtenTag, ref.tag, variant.tag);
  if (newTag === null) return null;
  return { range: model.rangeOf(image.offset + parts.tag.start, image.offset + parts.tag.end), newText: newTag };
}

function messageFor(advice: SlimAdvice, name: string, list: string): Localized {
  const en = ` or `;
  const es = ` o `;
  const enList = list.split('\n').join(en);
  const esList = list.split('\n').join(es);
  switch (advice.reason) {
    case 'full-os':
      return {
        en: `The final image starts from ${name}, the full variant with tools an application rarely needs at run time. Smaller: ${enList} (distroless or scratch images are smaller still).`,
        es: `La imagen final parte de ${name}, la variante completa, con herramientas que una aplicación rara vez necesita al ejecutarse. Más pequeñas: ${esList} (las imágenes distroless o scratch lo son aún más).`,
      };
    case 'jdk':
      return {
        en: `The final image starts from ${name}, a whole JDK (compiler and development tools); running the application needs only a JRE: ${enList}.`,
        es: `La imagen final parte de ${name}, un JDK completo (compilador y herramientas de desarrollo); para ejecutar la aplicación basta un JRE: ${esList}.`,
      };
    case 'build-tool':
      return {
        en: `The final image starts from ${name}, a build image (build tool plus JDK). Build in an earlier stage and run on a JRE image: ${enList}.`,
        es: `La imagen final parte de ${name}, una imagen de compilación (herramienta de build y JDK). Compila en una etapa anterior y ejecuta sobre una imagen JRE: ${esList}.`,
      };
    case 'sdk':
      return list
        ? {
          en: `The final image starts from ${name}, the whole .NET SDK. Publish in an earlier stage and run on ${enList}.`,
          es: `La imagen final parte de ${name}, el SDK de .NET completo. Publica en una etapa anterior y ejecuta sobre ${esList}.`,
        }
        : {
          en: `The final image starts from ${name}, the whole .NET SDK. Publish in an earlier stage and run on the aspnet or runtime image of the same .NET version.`,
          es: `La imagen final parte de ${name}, el SDK de .NET completo. Publica en una etapa anterior y ejecuta sobre la imagen aspnet o runtime de la misma versión de .NET.`,
        };
  }
}

export const imageMinimal: Rule = {
  meta: {
    id: 'image-minimal',
    sections: ['3.1.1', '2.2.1'],
    severity: 'info',
    fixable: false,
    equivalents: {},
    docs: {
      en: {
        title: 'Smaller base image available',
        why: 'Every package in the final image is attack surface and a source of vulnerability reports, used or not. Full variants of language images carry a complete Debian with compilers and headers; JDK and SDK images carry the whole toolchain. Their slim, Alpine, JRE or runtime variants run the same application with a fraction of that.',
        how: 'Run the application on the smallest variant that works: `-slim` or `-alpine` language images, a JRE instead of a JDK, the .NET `aspnet`/`runtime` image instead of the SDK. Build in an earlier stage if the build needs the full toolchain. Smallest of all are distroless images (no shell, no package manager) and `scratch` for static binaries. Alpine uses musl and apk: test before switching.',
      },
      es: {
        title: 'Hay una imagen base más pequeña',
        why: 'Cada paquete de la imagen final es superficie de ataque y una fuente de avisos de vulnerabilidades, se use o no. Las variantes completas de las imágenes de lenguajes traen un Debian entero con compiladores y cabeceras; las de JDK o SDK, toda la cadena de herramientas. Sus variantes slim, Alpine, JRE o runtime ejecutan la misma aplicación con una fracción de todo eso.',
        how: 'Ejecuta la aplicación sobre la variante más pequeña que funcione: imágenes de lenguaje `-slim` o `-alpine`, un JRE en vez de un JDK, la imagen `aspnet`/`runtime` de .NET en vez del SDK. Compila en una etapa anterior si la build necesita todas las herramientas. Lo más pequeño son las imágenes distroless (sin shell ni gestor de paquetes) y `scratch` para binarios estáticos. Alpine usa musl y apk: pruébalo antes de cambiar.',
      },
    },
  },
  check({ model, report }) {
    const chain = finalChain(model);
    if (!chain.length) return;
    const root = chain[chain.length - 1];
    const image = fromImages(model).find((i) => i.stage === root);
    if (!image?.ref) return;
    const advice = slimmerVariants(image.ref);
    if (!advice || !runsApplication(chain)) return;
    const debian = usesDebianTools(model, chain);
    const variants = advice.variants.filter((v) => !(v.alpine && debian));
    if (advice.variants.length && !variants.length) return;

    const before = RANK[tagStability(image.ref).kind];
    const fixes: LocalizedFix[] = [];
    const names: string[] = [];
    for (const variant of variants) {
      const name = variantName(image.ref, variant);
      names.push(`\`${name}\``);
      const next = parseImageRef(name);
      if (!next || RANK[tagStability(next).kind] > before) continue; // never trade a pinned tag for a moving one
      const edit = variantEdit(model, image, variant);
      if (!edit) continue;
      fixes.push({ title: { en: `Use ${name}`, es: `Usar ${name}` }, kind: 'refactor', edits: [edit] });
    }
    report({ range: image.range, message: messageFor(advice, quoteImage(image), names.join('\n')), fixes });
  },
};
