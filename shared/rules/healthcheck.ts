// 3.1.9 Health checks: a container that serves something should say how to tell it is working. Without a
// HEALTHCHECK Docker only knows whether the main process is still alive; a server that hangs or keeps
// failing requests looks healthy to it, to Compose's `service_healthy` and to Swarm.
//
// Flagged: the final stage (with the stages it builds on) EXPOSEs a port or starts a well-known server
// (nginx, httpd/apache2, caddy, gunicorn, uvicorn, hypercorn, daphne, puma, `flask run`, `rails server`)
// and has no HEALTHCHECK. `HEALTHCHECK NONE` is a deliberate choice and is respected. Windows images and
// dev container images (`mcr.microsoft.com/devcontainers/*`, whose EXPOSE is for a server started by hand)
// are skipped. A HEALTHCHECK inherited from the base image cannot be seen from the Dockerfile: such files are
// still flagged (silence the rule there with an ignore comment).
// Range: the final stage's first EXPOSE keyword, else its FROM.
// Fix: insert `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD <probe>` before
// the CMD/ENTRYPOINT (else at the end), probing the first exposed TCP port (ARG/ENV resolved):
// - `wget -q --spider http://localhost:<port>/ || exit 1` on Alpine and BusyBox (BusyBox wget), and
//   `curl -fsS http://localhost:<port>/ || exit 1` where curl is known to be there (installed by a RUN of
//   the stage chain and not removed, or shipped by the base image): quickfix;
// - the curl probe as a refactor when curl may be missing (plain Debian/Ubuntu/RHEL-like or unknown bases);
// - nothing on distroless, scratch and Chainguard images (no shell or tools), when the first port is
//   unknown, UDP, HTTPS or a well-known non-HTTP service (databases, brokers, SSH...).
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from '../dockerfile';
import type { ImageFamily } from '../images';
import type { Rule } from '../rule';
import { basename, packageManagerCall, unwrapCommand } from '../shell/commands';
import type { Localized, LocalizedFix, Range, TextEdit } from '../types';
import { baseImageOf, familyOf, hasOpenHeredoc, insertionPoint } from './user-root';

export const HEALTHCHECK_OPTIONS = '--interval=30s --timeout=5s --start-period=10s --retries=3';

/** The stage followed by the stages it builds on, nearest first. */
function chainOf(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s && !chain.includes(s); s = s.parent) chain.push(s);
  return chain;
}

/** Instructions of the chain in build order (the root stage's first). */
function chainInstructions(stage: Stage): Instruction[] {
  return chainOf(stage).reverse().flatMap((s) => s.instructions);
}

// ---------------------------------------------------------------------------------------------------
// Ports

export interface ExposedPort {
  /** Null when only known at build time. */
  port: number | null;
  protocol: 'tcp' | 'udp' | 'sctp';
}

/** `model.expand` repeated: an ENV value may itself refer to an ARG (`ENV PORT=${APP_PORT}`). */
function expandFully(model: DockerfileModel, value: string, line: number): string | null {
  let current: string | null = value;
  for (let round = 0; round < 5 && current !== null && current.includes('$'); round++) {
    const next: string | null = model.expand(current, line);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** The ports of an EXPOSE instruction, in order, after ARG/ENV expansion. */
export function exposedPorts(model: DockerfileModel, expose: Instruction): ExposedPort[] {
  const out: ExposedPort[] = [];
  const line = expose.getRange().start.line;
  for (const arg of expose.getArguments()) {
    const value = expandFully(model, arg.getValue().replace(/["']/g, ''), line);
    if (value === null) { out.push({ port: null, protocol: 'tcp' }); continue; }
    for (const item of value.split(/\s+/).filter(Boolean)) {
      const m = /^(\d+)(?:-\d+)?(?:\/(tcp|udp|sctp))?$/i.exec(item);
      if (!m) { out.push({ port: null, protocol: 'tcp' }); continue; }
      out.push({ port: Number(m[1]), protocol: (m[2]?.toLowerCase() ?? 'tcp') as ExposedPort['protocol'] });
    }
  }
  return out;
}

// Ports that speak something other than plain HTTP: an HTTP probe there would always fail.
const NOT_HTTP = new Set([
  21, 22, 23, 25, 53, 110, 111, 135, 139, 143, 389, 443, 445, 465, 514, 587, 636, 853, 873, 993, 995, 1433, 1521, 1883,
  2049, 2181, 2375, 2376, 2379, 2380, 3306, 3389, 4369, 5222, 5432, 5671, 5672, 6379, 6380, 6443, 7000, 7001, 7199,
  7687, 8443, 8883, 15671, 15691, 9042, 9092, 9093, 9160, 9300, 9418, 9443, 11211, 25672, 27017, 27018, 27019, 33060, 61613, 61616,
]);

// Ports that conventionally serve plain HTTP (web apps, dashboards, APIs). 9000 is left out: php-fpm
// speaks FastCGI there.
const HTTP_PORTS = new Set([
  80, 81, 591, 1313, 2368, 3000, 3001, 3100, 4000, 4040, 4200, 4318, 5000, 5001, 5601, 5984, 7474, 8000, 8001, 8008,
  8042, 8069, 8080, 8081, 8082, 8088, 8089, 8090, 8096, 8161, 8500, 8787, 8888, 8983, 9090, 9091, 9100, 9200, 9411,
  11434, 15672, 15692, 16686,
]);

// ---------------------------------------------------------------------------------------------------
// Servers started by CMD/ENTRYPOINT

const SERVERS = new Set([
  'nginx', 'httpd', 'httpd-foreground', 'apache2-foreground', 'apachectl', 'apache2ctl', 'caddy', 'gunicorn', 'uvicorn',
  'hypercorn', 'daphne', 'puma',
]);
// Servers whose default configuration answers `/` with a page.
const SERVES_ROOT = new Set(['nginx', 'httpd', 'httpd-foreground', 'apache2-foreground', 'apachectl', 'apache2ctl', 'caddy', 'python -m http.server']);
const PYTHON_SERVER_MODULES = new Set(['gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'http.server']);
const LAUNCHERS = new Set(['tini', 'dumb-init', 'exec', '--']);

function commandWords(instruction: Instruction): string[] {
  const json = instruction as unknown as { getOpeningBracket?(): unknown; getClosingBracket?(): unknown; getJSONStrings?(): Array<{ getJSONValue(): string }> };
  const strings = json.getJSONStrings?.() ?? [];
  if (json.getOpeningBracket?.() && json.getClosingBracket?.() && strings.length) return strings.map((s) => s.getJSONValue());
  return instruction.getArguments().map((a) => a.getValue().replace(/^["']|["']$/g, ''));
}

/** The well-known server the words start, or null. */
export function serverIn(words: string[]): string | null {
  let w = words.slice();
  for (let guard = 0; guard < 4 && w.length; guard++) {
    const program = basename(w[0]) ?? '';
    if (LAUNCHERS.has(program)) { w = w.slice(1); continue; }
    if (/^(ba|da)?sh$/.test(program) && w[1] === '-c' && w[2]) { w = w[2].trim().split(/\s+/); continue; }
    if (program === 'bundle' && w[1] === 'exec') { w = w.slice(2); continue; }
    break;
  }
  if (!w.length) return null;
  const program = basename(w[0]) ?? '';
  if (SERVERS.has(program)) return program;
  if (/^python[0-9.]*$/.test(program) && w[1] === '-m' && PYTHON_SERVER_MODULES.has(w[2] ?? '')) return `python -m ${w[2]}`;
  if (program === 'flask' && w[1] === 'run') return 'flask run';
  if (program === 'rails' && (w[1] === 'server' || w[1] === 's')) return 'rails server';
  return null;
}

function startedServer(stage: Stage): string | null {
  const instructions = chainInstructions(stage);
  const last = (keyword: string) => instructions.filter((i) => i.getKeyword() === keyword).pop() ?? null;
  const entrypoint = last('ENTRYPOINT');
  const cmd = last('CMD');
  const words = [...(entrypoint ? commandWords(entrypoint) : []), ...(cmd ? commandWords(cmd) : [])];
  return serverIn(words) ?? (cmd ? serverIn(commandWords(cmd)) : null);
}

// ---------------------------------------------------------------------------------------------------
// Which probe the image can run

const INSTALL = new Set(['install', 'add', 'in']);
const REMOVE = new Set(['remove', 'purge', 'del', 'erase', 'rm', 'autoremove']);
const CURL_PACKAGE = /^curl(-minimal)?([=<>~].*)?$/;

/**
 * Whether a RUN of the chain installs curl for good: not as an `apk --virtual` group, and no later removal
 * that may take it away (one naming curl, packages only known at build time, `--auto-remove` or
 * `autoremove` after `apt-mark auto`, as the official images do with their build dependencies).
 */
function installsCurl(model: DockerfileModel, stage: Stage): boolean {
  let installed = false;
  for (const s of chainOf(stage).reverse()) {
    for (const { shell } of model.runsOf(s)) {
      for (const command of shell.script.commands) {
        const call = packageManagerCall(command);
        if (!call || !call.subcommand) {
          if (installed && basename(unwrapCommand(command)?.name.value ?? null) === 'apt-mark') installed = false;
          continue;
        }
        if (INSTALL.has(call.subcommand)) {
          const virtual = call.options.some((o) => o.value !== null && /^(-t|--virtual)(=|$)/.test(o.value));
          if (!virtual && call.operands.some((o) => o.value !== null && CURL_PACKAGE.test(o.value))) installed = true;
        } else if (installed && REMOVE.has(call.subcommand)) {
          const sweeping = call.subcommand === 'autoremove' || call.options.some((o) => o.value === '--auto-remove' || o.value === '--autoremove');
          if (sweeping || call.operands.some((o) => o.value === null || CURL_PACKAGE.test(o.value))) installed = false;
        }
      }
    }
  }
  return installed;
}

// Official images whose default (non-slim) Debian variant is built on buildpack-deps, which has curl, and
// RHEL-family bases that ship curl.
const CURL_DEBIAN = new Set(['buildpack-deps', 'node', 'python', 'ruby', 'golang', 'rust', 'perl', 'php']);
const CURL_RHEL = new Set(['fedora', 'centos', 'rockylinux', 'almalinux', 'amazonlinux', 'quay.io/centos/centos', 'quay.io/fedora/fedora']);

function baseShipsCurl(model: DockerfileModel, stage: Stage, family: ImageFamily): boolean {
  const ref = baseImageOf(model, stage);
  if (!ref) return false;
  const name = ref.registry === 'docker.io' ? ref.repository : `${ref.registry}/${ref.repository}`;
  const tag = (ref.tag ?? 'latest').toLowerCase();
  if (family === 'debian-like') {
    if (name === 'buildpack-deps') return true;
    return CURL_DEBIAN.has(name) && !tag.includes('slim');
  }
  if (family === 'rhel-like') {
    if (/(minimal|micro)/.test(tag)) return false;
    if (CURL_RHEL.has(name)) return true;
    // Red Hat's standard UBI (not ubi-minimal or ubi-micro).
    return /^(registry\.access\.redhat\.com\/|registry\.redhat\.io\/|redhat\/)ubi\d+(\/ubi)?$/.test(name);
  }
  return false;
}

type Probe = { tool: 'curl' | 'wget'; sure: boolean } | null;

function probeFor(model: DockerfileModel, stage: Stage, family: ImageFamily): Probe {
  switch (family) {
    case 'distroless':
    case 'scratch':
    case 'chainguard':
    case 'windows':
      return null;
    case 'alpine':
    case 'busybox':
      // BusyBox wget is always there; curl, when the file installs it, can accept any HTTP answer.
      return installsCurl(model, stage) ? { tool: 'curl', sure: true } : { tool: 'wget', sure: true };
    default:
      return { tool: 'curl', sure: installsCurl(model, stage) || baseShipsCurl(model, stage, family) };
  }
}

/**
 * The probe. curl is asked only whether the server answers HTTP at all (no `-f`, as in the guide's own
 * example): the root path of an API or an app behind a login often answers 404 or 403, and a probe that
 * fails on those would mark a working service unhealthy. BusyBox wget has no such mode: it fails on any
 * HTTP error status, so it is only applied on its own where the server serves `/` out of the box.
 */
export function probeCommand(tool: 'curl' | 'wget', port: number): string {
  return tool === 'curl'
    ? `curl -sS -o /dev/null http://localhost:${port}/ || exit 1`
    : `wget -q --spider http://localhost:${port}/ || exit 1`;
}

// ---------------------------------------------------------------------------------------------------

/** Dev container images: EXPOSE there is for a dev server the developer starts by hand. */
function isDevContainer(model: DockerfileModel, stage: Stage): boolean {
  const ref = baseImageOf(model, stage);
  return ref !== null && ref.registry === 'mcr.microsoft.com' && /^(vscode\/)?devcontainers\//.test(ref.repository);
}

function fromRange(model: DockerfileModel, stage: Stage): Range {
  const from = stage.from;
  const start = from.getRange().start;
  let end = from.getBuildStageRange()?.end ?? from.getImageRange()?.end ?? from.getInstructionRange().end;
  if (end.line !== start.line) {
    // (trimmed with a loop: /[\s\\`]+$/ retries from every blank of a long run, quadratic)
    const text = model.index.lineText(start.line);
    let cut = text.length;
    while (cut > 0 && /[\s\\`]/.test(text[cut - 1])) cut--;
    end = { line: start.line, character: cut };
  }
  return { start, end };
}

function insertEdit(model: DockerfileModel, stage: Stage, line: string): TextEdit {
  const point = insertionPoint(model, stage);
  const eol = model.index.eol;
  const position = model.index.positionAt(point.offset);
  return { range: { start: position, end: position }, newText: point.atEndWithoutNewline ? eol + line : line + eol };
}

export const healthcheck: Rule = {
  meta: {
    id: 'healthcheck',
    sections: ['3.1.9'],
    severity: 'info',
    fixable: true,
    equivalents: { trivy: ['DS-0026'], checkov: ['CKV_DOCKER_2'] },
    docs: {
      en: {
        title: 'Serving image without HEALTHCHECK',
        why: 'Docker judges a container only by whether its main process is running. A web server that hangs, runs out of workers or answers every request with an error keeps that process alive, so it is reported as up and nothing restarts or replaces it. A HEALTHCHECK runs a small probe at intervals and marks the container unhealthy when it fails, which Compose, Swarm and monitoring tools can act on. A HEALTHCHECK defined by the base image is inherited but cannot be seen here: if yours has one, silence this rule for the file.',
        how: 'Add a HEALTHCHECK before CMD that asks the service whether it works, ideally on a dedicated endpoint: `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD curl -fsS http://localhost:8080/health || exit 1` (BusyBox `wget -q --spider` on Alpine). The probe runs inside the container, so the tool must exist there; distroless and scratch images have no shell or curl: use a small checker binary in exec form (`HEALTHCHECK CMD ["/app/healthcheck"]`) or rely on the orchestrator\'s probes. Write `HEALTHCHECK NONE` to state that the image has none on purpose.',
      },
      es: {
        title: 'Imagen que sirve algo sin HEALTHCHECK',
        why: 'Docker juzga un contenedor solo por si su proceso principal sigue en marcha. Un servidor web que se cuelga, se queda sin workers o responde con error a todas las peticiones mantiene vivo ese proceso, así que figura como activo y nada lo reinicia ni lo sustituye. Un HEALTHCHECK ejecuta una pequeña comprobación cada cierto tiempo y marca el contenedor como unhealthy cuando falla, algo que Compose, Swarm y las herramientas de monitorización pueden usar. Un HEALTHCHECK definido en la imagen base se hereda pero no se ve aquí: si la tuya lo tiene, silencia esta regla en el fichero.',
        how: 'Añade antes del CMD un HEALTHCHECK que pregunte al servicio si funciona, mejor en un endpoint dedicado: `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD curl -fsS http://localhost:8080/health || exit 1` (con `wget -q --spider` de BusyBox en Alpine). La comprobación se ejecuta dentro del contenedor, así que la herramienta debe existir ahí; las imágenes distroless y scratch no tienen shell ni curl: usa un pequeño binario comprobador en forma exec (`HEALTHCHECK CMD ["/app/healthcheck"]`) o confía en las sondas del orquestador. Escribe `HEALTHCHECK NONE` para dejar claro que la imagen no tiene ninguno a propósito.',
      },
    },
  },
  check({ model, report }) {
    const stage = model.finalStage;
    if (!stage) return;
    const family = familyOf(model, stage);
    if (family === 'windows' || isDevContainer(model, stage)) return;
    const instructions = chainInstructions(stage);
    if (instructions.some((i) => i.getKeyword() === 'HEALTHCHECK')) return;
    const exposes = instructions.filter((i) => i.getKeyword() === 'EXPOSE');
    const ports = exposes.flatMap((e) => exposedPorts(model, e));
    const server = startedServer(stage);
    if (!ports.length && !server) return;

    const ownExpose = stage.instructions.find((i) => i.getKeyword() === 'EXPOSE');
    const range = ownExpose ? ownExpose.getInstructionRange() : fromRange(model, stage);
    const what: Localized = ports.length
      ? { en: 'exposes a port', es: 'expone un puerto' }
      : { en: `starts ${server}`, es: `arranca ${server}` };

    const fixes: LocalizedFix[] = [];
    let note: Localized = { en: '', es: '' };
    const first = ports.find((p) => p.protocol === 'tcp');
    const probe = probeFor(model, stage, family);
    if (!probe) {
      note = {
        en: ' The image has no shell or HTTP client for a probe: ship a small checker binary and use HEALTHCHECK in exec form.',
        es: ' La imagen no tiene shell ni cliente HTTP para la comprobación: incluye un pequeño binario comprobador y usa HEALTHCHECK en forma exec.',
      };
    } else if (first && first.port !== null && !NOT_HTTP.has(first.port)) {
      const line = `HEALTHCHECK ${HEALTHCHECK_OPTIONS} CMD ${probeCommand(probe.tool, first.port)}`;
      // Applied by fix-all only when the probe cannot misjudge a working service: the tool is there, the
      // port speaks HTTP, and the probe accepts any answer (curl) or the server serves `/` (wget).
      const http = HTTP_PORTS.has(first.port) || server !== null;
      const accepts = probe.tool === 'curl' || (server !== null && SERVES_ROOT.has(server));
      const sure = probe.sure && http && accepts;
      const caveat: Localized = !probe.sure
        ? { en: ' (install curl first)', es: ' (instala curl antes)' }
        : !accepts ? { en: ' (/ must answer 2xx or 3xx)', es: ' (/ debe responder 2xx o 3xx)' }
          : !http ? { en: ` (if ${first.port} serves HTTP)`, es: ` (si ${first.port} sirve HTTP)` }
            : { en: '', es: '' };
      // (not while a heredoc is open: the inserted line could become part of its body)
      if (!hasOpenHeredoc(model)) fixes.push({
        title: {
          en: `Add a HEALTHCHECK probing port ${first.port} with ${probe.tool}${caveat.en}`,
          es: `Añadir un HEALTHCHECK que compruebe el puerto ${first.port} con ${probe.tool}${caveat.es}`,
        },
        kind: sure ? 'quickfix' : 'refactor',
        edits: [insertEdit(model, stage, line)],
      });
      note = {
        en: ' Point the probe at a health endpoint of the service if it has one.',
        es: ' Apunta la comprobación a un endpoint de salud del servicio si lo tiene.',
      };
    } else if (first && first.port !== null) {
      note = {
        en: ` Port ${first.port} does not speak plain HTTP: probe it with the service's own client (\`pg_isready\`, \`redis-cli ping\`...).`,
        es: ` El puerto ${first.port} no habla HTTP plano: compruébalo con el cliente del propio servicio (\`pg_isready\`, \`redis-cli ping\`...).`,
      };
    } else if (first) {
      note = {
        en: ' The exposed port is only known at build time.',
        es: ' El puerto expuesto solo se conoce al construir.',
      };
    }
    report({
      range,
      message: {
        en: `The final image ${what.en} but has no HEALTHCHECK: Docker cannot tell a hung or failing service from a healthy one.${note.en}`,
        es: `La imagen final ${what.es} pero no tiene HEALTHCHECK: Docker no puede distinguir un servicio colgado o que falla de uno sano.${note.es}`,
      },
      fixes,
    });
  },
};
