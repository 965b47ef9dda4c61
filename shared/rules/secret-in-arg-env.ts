// 2.2.3 Gestión de secretos / 3.1.8 Buildkit: secrets passed as ARG or ENV end up in the image. ENV values
// are stored in the image configuration (and in every container's environment); build arguments used by a
// RUN are written into the image history. BuildKit secret mounts give a RUN the value without storing it.
//
// Flagged (every stage, global ARGs included):
// - ARG/ENV whose name says it holds a secret. The name is split on `_`, `-`, `.` and case changes and
//   looked at as whole tokens: password/passwd/passphrase/pass, pwd (not the shell's own PWD), secret(s),
//   token, auth, credential(s)/creds, apikey, and key after private/access/secret/api/encryption/master/
//   license/account/ssh/deploy/app/client/auth (`GPG_KEY`, a public key fingerprint in the official
//   images, or `*_RELEASE_KEY` are not secrets). A token may also end in password/passwd/secret/token
//   (`DBPASSWORD`). Not flagged when another token says the variable is about the secret rather than the
//   secret itself (public, file, path, dir, url, host, port, version, length, type, mode, enabled, allow,
//   empty, random, sock, helper...) or ends the name (user, name, email, id: `AUTH_USER`, `SECRET_NAME`;
//   except `*_ACCESS_KEY_ID` and `*_SECRET_ID`), or when its literal value is a boolean or an absolute path
//   (`ENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json`), or a plain word for an `auth`-only name
//   (`REGISTRY_AUTH=htpasswd`), or an ENV's value is empty (a runtime placeholder that puts nothing in
//   the image).
// - ARG/ENV literal values that have the shape of a credential whatever the name: AWS key ids, GitHub,
//   GitLab, npm, Slack and Stripe tokens, Google API keys, PEM private keys. The range is the match.
// Fix: for `ARG NAME` without a default, or with an empty one (and no global default), whose only uses are
// `$NAME` in RUNs of its stage, remove the ARG and add `--mount=type=secret,id=<name>,env=NAME` to those
// RUNs (plus the syntax directive; `env=` needs Dockerfile syntax 1.10, so a file pinned to an older one
// gets no fix). It is a quickfix when every later RUN of the stage uses `$NAME` (none can be reading it
// from the environment implicitly), a refactor otherwise. Anything else has no fix: a literal secret must leave the file.
import type { Arg, Instruction, Property, Run } from 'dockerfile-ast';
import { runMountEdit, runMounts, syntaxDirectiveEdit, syntaxSupports } from '../buildkit';
import type { DockerfileModel, Stage } from '../dockerfile';
import { memoByKey } from '../memo';
import type { Rule } from '../rule';
import type { Localized, LocalizedFix, Range, TextEdit } from '../types';

// ---------------------------------------------------------------------------------------------------
// Names

/** `NPM_AUTH_TOKEN` → npm, auth, token; `dbPassword` → db, password; `APIKey` → api, key. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    // (tried only where a run of capitals starts: from inside a run it fails the same way, in quadratic time)
    .replace(/(?<![A-Z])([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .split(/[_.\-]+/)
    .filter(Boolean)
    .map((t) => t.toLowerCase());
}

const SECRET_TOKENS = new Set([
  'password', 'passwd', 'passphrase', 'pass', 'pwd', 'secret', 'secrets', 'token', 'auth', 'credential', 'credentials',
  'creds', 'apikey', 'privatekey', 'accesskey', 'secretkey',
]);
// Tokens that end in these are secrets too: `DBPASSWORD`, `GHTOKEN`, `clientsecret`.
const SECRET_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey', 'accesskey', 'privatekey', 'secretkey'];
// `<qualifier>_KEY` is a secret key; a bare KEY (`GPG_KEY`, `LLVM_KEY`) is usually a public key or its id.
const KEY_QUALIFIERS = new Set([
  'private', 'priv', 'access', 'secret', 'api', 'encryption', 'master', 'license', 'account', 'ssh', 'deploy', 'app', 'client', 'auth',
]);
// The variable is about the secret (where it is, how it is used), not the secret itself.
const NOT_THE_SECRET = new Set([
  'public', 'pub', 'file', 'files', 'path', 'dir', 'directory', 'folder', 'location', 'url', 'uri', 'endpoint', 'host',
  'hostname', 'server', 'port', 'version', 'ver', 'length', 'len', 'size', 'min', 'max', 'count', 'ttl', 'timeout',
  'interval', 'expiry', 'expire', 'expires', 'expiration', 'lifetime', 'minutes', 'seconds', 'hours', 'days', 'type', 'mode', 'method', 'scheme', 'algorithm', 'algo',
  'format', 'enabled', 'enable', 'disabled', 'disable', 'required', 'require', 'allow', 'empty', 'random', 'skip', 'reset',
  'policy', 'header', 'prefix', 'suffix', 'fingerprint', 'hash', 'provider', 'backend', 'plugin', 'realm', 'issuer', 'audience', 'scope', 'scopes', 'command', 'cmd', 'script', 'helper', 'sock',
  'socket', 'agent', 'keyring', 'store', 'manager', 'generator', 'generate',
]);
// As the last token these name something else than the secret: `AUTH_USER`, `SECRET_NAME` (but `USER_PASSWORD` is one).
const HEAD_NOT_THE_SECRET = new Set(['user', 'username', 'login', 'email', 'name', 'names', 'id', 'ids']);
// Well-known variables that hold a path, not a secret.
const KNOWN_NOT_SECRET = new Set(['GOOGLE_APPLICATION_CREDENTIALS']);

/** True when the variable name says it holds a secret. */
export function isSecretName(name: string): boolean {
  return secretToken(name) !== null;
}

/** The token of the name that makes it a secret (`password`, `auth`, `key`...), or null. */
export const secretToken = memoByKey((name: string) => name, tokenOfName);

function tokenOfName(name: string): string | null {
  if (KNOWN_NOT_SECRET.has(name.toUpperCase())) return null;
  const tokens = nameTokens(name);
  if (!tokens.length || tokens.some((t) => NOT_THE_SECRET.has(t))) return null;
  // ...except an access key id, the public half that always travels with its secret key.
  if (HEAD_NOT_THE_SECRET.has(tokens[tokens.length - 1]) && !/(access_?key|secret)_?id$/i.test(name)) return null;
  let found: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 'pwd' && tokens.length === 1) continue; // the shell's working directory
    let hit = SECRET_TOKENS.has(t) || SECRET_SUFFIXES.some((s) => t.length > s.length && t.endsWith(s));
    if ((t === 'key' || t === 'keys') && i > 0 && KEY_QUALIFIERS.has(tokens[i - 1])) hit = true;
    // `auth` is the weakest hint: any other one wins.
    if (hit && (found === null || found === 'auth')) found = t;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Values

const CREDENTIAL_SHAPES: ReadonlyArray<{ pattern: RegExp; what: Localized }> = [
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, what: { en: 'an AWS access key id', es: 'un id de clave de acceso de AWS' } },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, what: { en: 'a GitHub token', es: 'un token de GitHub' } },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/, what: { en: 'a GitHub token', es: 'un token de GitHub' } },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}/, what: { en: 'a GitLab token', es: 'un token de GitLab' } },
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/, what: { en: 'an npm token', es: 'un token de npm' } },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, what: { en: 'a Slack token', es: 'un token de Slack' } },
  { pattern: /\b[sr]k_live_[A-Za-z0-9]{20,}/, what: { en: 'a Stripe secret key', es: 'una clave secreta de Stripe' } },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}/, what: { en: 'a Google API key', es: 'una clave de API de Google' } },
  { pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, what: { en: 'a private key', es: 'una clave privada' } },
];

export interface CredentialMatch {
  index: number;
  text: string;
  what: Localized;
}

/** The first part of a value that has the shape of a known credential (memoized: values are read on every lint). */
export const credentialIn = memoByKey((value: string) => value, (value: string): Readonly<CredentialMatch> | null => firstCredential(value));

function firstCredential(value: string): CredentialMatch | null {
  let best: CredentialMatch | null = null;
  for (const { pattern, what } of CREDENTIAL_SHAPES) {
    const m = pattern.exec(value);
    if (m && (!best || m.index < best.index)) best = { index: m.index, text: m[0], what };
  }
  return best;
}

/**
 * A literal value that shows the variable holds no secret: a boolean, an absolute path, or for a name
 * whose only hint is `auth` a plain lower-case word naming a method (`REGISTRY_AUTH=htpasswd`).
 */
function harmlessValue(value: string, token: string): boolean {
  const v = value.trim();
  if (/^(true|false|yes|no|on|off|y|n|0|1|enabled|disabled|none|null)$/i.test(v)) return true;
  if (token === 'auth' && /^[a-z][a-z0-9-]{0,15}$/.test(v)) return true;
  return /^\/[^\s$]*$/.test(v) && !v.includes('$');
}

// ---------------------------------------------------------------------------------------------------
// The fix

interface Declared {
  instruction: Instruction;
  property: Property;
  keyword: 'ARG' | 'ENV';
  stage: Stage | null;
}

function propertiesOf(instruction: Instruction): Property[] {
  const keyword = instruction.getKeyword();
  if (keyword !== 'ARG' && keyword !== 'ENV') return [];
  return (instruction as Arg).getProperties();
}

/** Deletes the instruction's lines, with one line break. */
function deleteInstruction(model: DockerfileModel, instruction: Instruction): TextEdit {
  const index = model.index;
  const range = instruction.getRange();
  let start = index.lineStarts[range.start.line];
  let end: number;
  if (range.end.line + 1 < index.lineCount) end = index.lineStarts[range.end.line + 1];
  else {
    end = model.text.length;
    if (range.start.line > 0) start = index.lineEnd(range.start.line - 1);
  }
  return { range: model.rangeOf(start, end), newText: '' };
}

/**
 * Per stage, where each name is declared (ARG/ENV) and used (`$name`), by position in the stage, built once
 * per lint when a fix needs it: a stage can declare many secrets, each looking at the rest of the stage.
 */
interface StageNames {
  declared: Map<string, number[]>;
  used: Map<string, number[]>;
  /** RUN instructions from each position to the end of the stage. */
  runsFrom: number[];
  position: Map<Instruction, number>;
}

const stageNames = new WeakMap<Stage, StageNames>();

function namesOf(stage: Stage): StageNames {
  let names = stageNames.get(stage);
  if (names) return names;
  const add = (map: Map<string, number[]>, name: string, i: number) => {
    const list = map.get(name);
    if (!list) map.set(name, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  names = { declared: new Map(), used: new Map(), runsFrom: new Array<number>(stage.instructions.length + 1).fill(0), position: new Map() };
  stage.instructions.forEach((instruction, i) => {
    names!.position.set(instruction, i);
    for (const property of propertiesOf(instruction)) add(names!.declared, property.getName(), i);
    for (const variable of instruction.getVariables()) add(names!.used, variable.getName(), i);
  });
  for (let i = stage.instructions.length - 1; i >= 0; i--) {
    names.runsFrom[i] = names.runsFrom[i + 1] + (stage.instructions[i].getKeyword() === 'RUN' ? 1 : 0);
  }
  stageNames.set(stage, names);
  return names;
}

function mountFix(model: DockerfileModel, declared: Declared): { fix: LocalizedFix | null; pinned: boolean } {
  const { instruction, property, stage } = declared;
  const name = property.getName();
  const value = property.getValue();
  if (declared.keyword !== 'ARG' || !stage || (value !== null && value.replace(/["']/g, '') !== '') || propertiesOf(instruction).length !== 1) {
    return { fix: null, pinned: false };
  }
  // A global ARG of the same name gives this one a default.
  if (model.ast.getInitialARGs().some((a) => a.getProperty()?.getName() === name)) return { fix: null, pinned: false };
  const names = namesOf(stage);
  const from = (names.position.get(instruction) ?? -1) + 1; // the instructions after this one
  const declaredAt = names.declared.get(name) ?? [];
  if (declaredAt.length && declaredAt[declaredAt.length - 1] >= from) return { fix: null, pinned: false }; // redeclared
  const runs: Instruction[] = [];
  for (const i of names.used.get(name) ?? []) {
    if (i < from) continue;
    const other = stage.instructions[i];
    if (other.getKeyword() !== 'RUN') return { fix: null, pinned: false };
    runs.push(other);
  }
  const otherRuns = names.runsFrom[from] - runs.length;
  if (!runs.length) return { fix: null, pinned: false };
  // A shell-form RUN of a non-POSIX shell (PowerShell, cmd) reads variables its own way: leave it alone.
  const execForm = (run: Instruction) => {
    const r = run as Run;
    return r.getOpeningBracket() !== null && r.getClosingBracket() !== null && r.getJSONStrings().length > 0;
  };
  if (runs.some((run) => !execForm(run) && model.shellOf(run) === null)) return { fix: null, pinned: false };
  const id = name.toLowerCase();
  if (runs.some((run) => runMounts(run).some((m) => m.get('type') === 'secret' && (m.get('id') === id || m.get('env') === name)))) {
    return { fix: null, pinned: false };
  }
  if (syntaxSupports(model, 10) !== true) return { fix: null, pinned: true };
  const spec = `type=secret,id=${id},env=${name}`;
  const directive = syntaxDirectiveEdit(model);
  const edits: TextEdit[] = [...(directive ? [directive] : []), deleteInstruction(model, instruction), ...runs.map((run) => runMountEdit(run, spec))];
  return {
    fix: {
      title: { en: `Pass ${name} as a secret mount`, es: `Pasar ${name} como montaje de secreto` },
      kind: otherRuns === 0 ? 'quickfix' : 'refactor',
      edits,
    },
    pinned: false,
  };
}

// ---------------------------------------------------------------------------------------------------

function valueRangeOf(model: DockerfileModel, property: Property, match: CredentialMatch): Range {
  const range = property.getValueRange()!;
  const raw = model.index.textIn(range);
  const at = raw.indexOf(match.text);
  if (at < 0) return range;
  const start = model.offsetAt(range.start) + at;
  return model.rangeOf(start, start + match.text.length);
}

export const secretInArgEnv: Rule = {
  meta: {
    id: 'secret-in-arg-env',
    sections: ['2.2.3', '3.1.8'],
    severity: 'error',
    fixable: true,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Secret passed through ARG or ENV',
        why: 'Whatever an ENV sets is saved in the image configuration and in the environment of every container started from it: `docker inspect` shows it to anyone who can pull the image. A build argument used by a RUN is written into the image history (`docker history`) and into the build cache. Either way the secret travels with the image, is hard to rotate, and leaks into logs. Docker\'s own build check SecretsUsedInArgOrEnv warns about the same thing.',
        how: 'Give the value to the RUN that needs it with a BuildKit secret mount, which leaves nothing in the image: `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci` (Dockerfile syntax 1.10+, so start the file with `# syntax=docker/dockerfile:1`) and build with `docker build --secret id=npm_token,env=NPM_TOKEN .`; or mount it as a file with `--mount=type=secret,id=npmrc,target=/root/.npmrc`. Secrets the running container needs are given at run time (orchestrator secrets, `docker run -e`, a mounted file), never baked in. A literal secret already committed in the Dockerfile must also be rotated.',
      },
      es: {
        title: 'Secreto pasado con ARG o ENV',
        why: 'Lo que fija un ENV se guarda en la configuración de la imagen y en el entorno de cada contenedor que se lance con ella: `docker inspect` se lo muestra a cualquiera que pueda descargar la imagen. Un argumento de build que usa un RUN queda escrito en el historial de la imagen (`docker history`) y en la caché de build. En ambos casos el secreto viaja con la imagen, cuesta rotarlo y acaba en los logs. El propio chequeo de build de Docker SecretsUsedInArgOrEnv avisa de lo mismo.',
        how: 'Entrega el valor al RUN que lo necesita con un montaje de secreto de BuildKit, que no deja nada en la imagen: `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci` (sintaxis de Dockerfile 1.10 o superior, así que empieza el fichero con `# syntax=docker/dockerfile:1`) y construye con `docker build --secret id=npm_token,env=NPM_TOKEN .`; o móntalo como fichero con `--mount=type=secret,id=npmrc,target=/root/.npmrc`. Los secretos que necesita el contenedor en ejecución se pasan al arrancarlo (secretos del orquestador, `docker run -e`, un fichero montado), nunca dentro de la imagen. Un secreto literal que ya se subió en el Dockerfile hay que rotarlo además.',
      },
    },
  },
  check({ model, report }) {
    for (const instruction of model.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'ARG' && keyword !== 'ENV') continue;
      for (const property of propertiesOf(instruction)) {
        const declared: Declared = { instruction, property, keyword, stage: model.stageOf(instruction) };
        const name = property.getName();
        const value = property.getValue();
        const credential = value !== null ? credentialIn(value) : null;
        const token = secretToken(name);
        let byName = token !== null;
        if (byName && value !== null && value.trim() !== '' && harmlessValue(value, token!) && !credential) byName = false;
        if (byName && keyword === 'ENV' && (value === null || value.trim() === '')) byName = false;
        if (byName) {
          const { fix, pinned } = mountFix(model, declared);
          const where: Localized = keyword === 'ENV'
            ? { en: 'ENV values are stored in the image and visible with `docker inspect`', es: 'los valores de ENV se guardan en la imagen y se ven con `docker inspect`' }
            : { en: 'build arguments are recorded in the image history and the build cache', es: 'los argumentos de build quedan en el historial de la imagen y en la caché de build' };
          const literal: Localized = value !== null && value.trim() !== '' && !value.includes('$')
            ? { en: ' Its literal value is in the Dockerfile too: remove it and rotate it.', es: ' Además su valor literal está en el Dockerfile: elimínalo y rótalo.' }
            : { en: '', es: '' };
          const old: Localized = pinned
            ? { en: ' (The `env=` option of secret mounts needs Dockerfile syntax 1.10 or later, newer than this file\'s `# syntax=`.)', es: ' (La opción `env=` de los montajes de secretos necesita la sintaxis de Dockerfile 1.10 o posterior, más nueva que la `# syntax=` de este fichero.)' }
            : { en: '', es: '' };
          const advice: Localized = keyword === 'ENV'
            ? {
              en: `Give it to the container at run time (orchestrator secrets, \`docker run -e\`, a mounted file), or to the RUN that needs it during the build with \`RUN --mount=type=secret,id=${name.toLowerCase()},env=${name} ...\``,
              es: `Pásalo al contenedor al arrancarlo (secretos del orquestador, \`docker run -e\`, un fichero montado), o al RUN que lo necesite durante la build con \`RUN --mount=type=secret,id=${name.toLowerCase()},env=${name} ...\``,
            }
            : {
              en: `Use a BuildKit secret mount instead: \`RUN --mount=type=secret,id=${name.toLowerCase()},env=${name} ...\``,
              es: `Usa en su lugar un montaje de secreto de BuildKit: \`RUN --mount=type=secret,id=${name.toLowerCase()},env=${name} ...\``,
            };
          report({
            range: property.getNameRange(),
            message: {
              en: `${keyword} ${name} looks like a secret: ${where.en}. ${advice.en}.${literal.en}${old.en}`,
              es: `${keyword} ${name} parece un secreto: ${where.es}. ${advice.es}.${literal.es}${old.es}`,
            },
            fixes: fix ? [fix] : [],
          });
          continue;
        }
        if (credential) {
          report({
            range: valueRangeOf(model, property, credential),
            message: {
              en: `The value of ${keyword} ${name} looks like ${credential.what.en}: it is stored in the image and in the Dockerfile. Remove it, rotate it, and pass it with a BuildKit secret mount (\`RUN --mount=type=secret,...\`) or at run time.`,
              es: `El valor de ${keyword} ${name} parece ${credential.what.es}: queda guardado en la imagen y en el Dockerfile. Elimínalo, rótalo y pásalo con un montaje de secreto de BuildKit (\`RUN --mount=type=secret,...\`) o al arrancar el contenedor.`,
            },
          });
        }
      }
    }
  },
};
