// 2.2.3 Gestión de secretos / 3.2.4 Dockerignore: COPY or ADD of a file that holds credentials writes it
// into an image layer. Deleting it in a later RUN only hides it: the layer that added it is still part of
// the image and anyone who can pull the image can extract it. BuildKit secret and SSH mounts give a RUN
// the file for that one step without storing it.
//
// Flagged (every stage, `COPY --from` included: the file is still copied into a layer), on the source:
// - SSH private keys `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (and `_sk` variants; not `.pub`), a `.ssh` folder;
// - credential files: `.npmrc`, `.pypirc`, `.netrc`/`_netrc`, `.git-credentials`, `.pgpass`, `.env` and
//   `.env.*` (except templates: `.env.example`, `.sample`, `.template`, `.dist`, `.defaults`...),
//   `.aws/credentials` or a `.aws` folder, `.docker/config.json`, `.kube/config`, a `.kube` folder,
//   `kubeconfig`, `credentials.json` and `*service-account*.json`;
// - key stores: `*.p12`, `*.pfx`, `*.keystore`, `*keystore*.jks`;
// - private keys: `*.key` unless the name or the destination says public (`pub`, `gpg`, `asc`, `keyring`,
//   `release`, `repo`, a `.pub`/`.asc`/`.gpg` destination: repository signing keys are public), and
//   `*.pem` only with a key hint (`key`, `privkey`, `private`): a plain `.pem` is usually a certificate;
// - any source copied to a destination file with one of the names above (`COPY deploy /root/.ssh/id_rsa`).
// Sources only known at build time, remote URLs and heredocs are left alone. No fix: the file must stop
// being copied, and what replaces it depends on how the build uses it.
import type { Instruction, JSONInstruction } from 'dockerfile-ast';
import type { DockerfileModel } from '../dockerfile';
import { memoByKey } from '../memo';
import { lastLineOf } from '../shell/commands';
import type { Rule } from '../rule';
import type { Localized, Range } from '../types';
import { lookupTable } from '../lookupTable';

type Kind = 'ssh' | 'sshdir' | 'npmrc' | 'credentials' | 'env' | 'cloud' | 'kube' | 'docker' | 'keystore' | 'key';

const KIND_TEXT: Record<Kind, Localized> = {
  ssh: { en: 'an SSH private key', es: 'una clave privada SSH' },
  npmrc: { en: 'a package registry credentials file', es: 'un fichero de credenciales de un registro de paquetes' },
  credentials: { en: 'a credentials file', es: 'un fichero de credenciales' },
  sshdir: { en: 'an SSH folder with private keys', es: 'una carpeta SSH con claves privadas' },
  env: { en: 'an environment file (such files usually hold secrets)', es: 'un fichero de entorno (suelen contener secretos)' },
  cloud: { en: 'cloud credentials', es: 'credenciales de la nube' },
  kube: { en: 'a Kubernetes config with cluster credentials', es: 'una configuración de Kubernetes con credenciales del clúster' },
  docker: { en: 'Docker registry credentials', es: 'credenciales de registros de Docker' },
  keystore: { en: 'a key store with private keys', es: 'un almacén de claves con claves privadas' },
  key: { en: 'a private key', es: 'una clave privada' },
};

const SSH_KEYS = new Set(['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_ecdsa_sk', 'id_ed25519_sk']);
const CREDENTIAL_FILES: Record<string, Kind> = lookupTable({
  '.npmrc': 'npmrc',
  '.pypirc': 'npmrc',
  '.netrc': 'credentials',
  _netrc: 'credentials',
  '.git-credentials': 'credentials',
  '.pgpass': 'credentials',
});
const ENV_TEMPLATES = new Set(['example', 'sample', 'template', 'tpl', 'dist', 'default', 'defaults', 'schema', 'test', 'ci', 'in']);
const PUBLIC_HINTS = new Set(['pub', 'public', 'pubkey', 'gpg', 'pgp', 'asc', 'keyring', 'release', 'repo', 'archive', 'signing', 'apt', 'yum', 'rpm']);
const PEM_KEY_HINTS = new Set(['key', 'privkey', 'private', 'priv', 'privatekey']);

function normalize(path: string): string {
  let p = path.trim();
  if (p.length >= 2 && (p[0] === '"' || p[0] === "'") && p[p.length - 1] === p[0]) p = p.slice(1, -1);
  // Trailing slashes: /(?<!\/)\/+$/ is linear, /\/+$/ retried from every slash of a long run (quadratic: a hang, see test/fixtures/fuzz-regressions/trailing-slashes.json).
  return p.replace(/\\/g, '/').replace(/(?<!\/)\/+$/, '');
}

function baseOf(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1];
}

/** Name tokens without glob characters: `*server-key*.pem` → server, key, pem. */
function tokensOf(base: string): string[] {
  return base.toLowerCase().replace(/[*?[\]]/g, '').split(/[-_.\s]+/).filter(Boolean);
}

/** What kind of secret a path names, by its file name (globs only by extension), or null (memoized: asked for every COPY source on every lint). */
export const secretFileKind = memoByKey((path: string) => path, kindOfPath);

function kindOfPath(path: string): Kind | null {
  const p = normalize(path);
  const base = baseOf(p);
  const lower = base.toLowerCase();
  const glob = /[*?[]/.test(base);
  const tokens = tokensOf(base);
  const publicHint = tokens.some((t) => PUBLIC_HINTS.has(t));
  if (!glob) {
    if (SSH_KEYS.has(lower)) return 'ssh';
    if (lower === '.ssh') return 'sshdir';
    const known = CREDENTIAL_FILES[lower];
    if (known) return known;
    if (lower === '.env') return 'env';
    const env = /^\.env\.(.+)$/.exec(lower);
    if (env) return env[1].split('.').some((part) => ENV_TEMPLATES.has(part)) ? null : 'env';
    if (lower === '.aws' || /(^|\/)\.aws\/credentials$/i.test(p)) return 'cloud';
    if (lower === 'credentials.json' || serviceAccountJson(lower)) return 'cloud';
    if (/(^|\/)\.docker\/config\.json$/i.test(p)) return 'docker';
    if (lower === '.kube' || /(^|\/)\.kube\/config$/i.test(p) || /^kubeconfig(\.(ya?ml|json))?$/.test(lower)) return 'kube';
  }
  if (/\.(p12|pfx|keystore)$/.test(lower)) return 'keystore';
  if (/\.jks$/.test(lower) && lower.includes('keystore')) return 'keystore';
  if (/\.key$/.test(lower)) return publicHint ? null : 'key';
  if (/\.pem$/.test(lower)) {
    if (tokens.some((t) => t === 'pub' || t === 'public' || t === 'pubkey')) return null;
    return tokens.some((t) => PEM_KEY_HINTS.has(t)) ? 'key' : null;
  }
  return null;
}

/** A destination that says the file is public: `*.pub`, `*.asc`, `*.gpg`, a keyring folder. */
function publicDestination(dest: string): boolean {
  const p = normalize(dest).toLowerCase();
  return /\.(pub|asc|gpg)$/.test(p) || /(^|\/)(keyrings|trusted\.gpg\.d|rpm-gpg)(\/|$)/.test(p);
}

interface Word {
  value: string;
  range: Range;
}

function wordsOf(instruction: JSONInstruction): Word[] | null {
  const json = instruction.getOpeningBracket() !== null && instruction.getClosingBracket() !== null && instruction.getJSONStrings().length > 0;
  if (json) return instruction.getJSONStrings().map((s) => ({ value: s.getJSONValue(), range: s.getRange() }));
  const args = instruction.getArguments();
  if (args.some((a) => a.getValue().startsWith('<<'))) return null; // heredoc source
  return args.map((a) => ({ value: a.getValue(), range: a.getRange() }));
}

function resolve(model: DockerfileModel, word: string, line: number): string | null {
  const p = normalize(word);
  if (p.startsWith("'")) return null;
  return model.expand(p, line);
}

interface Hit {
  range: Range;
  source: string;
  kind: Kind;
  /** Found by the destination's name rather than the source's. */
  byDestination: boolean;
}

export function secretCopies(model: DockerfileModel, instruction: Instruction): Hit[] {
  const keyword = instruction.getKeyword();
  if (keyword !== 'COPY' && keyword !== 'ADD') return [];
  const words = wordsOf(instruction as JSONInstruction);
  if (!words || words.length < 2) return [];
  const line = instruction.getRange().start.line;
  const dest = resolve(model, words[words.length - 1].value, line);
  const sources = words.slice(0, -1);
  if (dest !== null && publicDestination(dest)) return [];
  const hits: Hit[] = [];
  for (const word of sources) {
    const source = resolve(model, word.value, line);
    if (source === null || /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(source)) continue;
    const kind = secretFileKind(source);
    if (kind) hits.push({ range: word.range, source, kind, byDestination: false });
  }
  // `COPY deploy_key /root/.ssh/id_rsa`: a single source written to a secret's file name.
  if (!hits.length && sources.length === 1 && dest !== null && !/\/$/.test(words[words.length - 1].value.replace(/["']/g, ''))) {
    const source = resolve(model, sources[0].value, line);
    const kind = secretFileKind(dest);
    if (source !== null && kind && !/[*?[]/.test(baseOf(normalize(dest))) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
      hits.push({ range: sources[0].range, source, kind, byDestination: true });
    }
  }
  return hits;
}

export const secretFileCopy: Rule = {
  meta: {
    id: 'secret-file-copy',
    sections: ['2.2.3', '3.2.4'],
    severity: 'error',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Secret file copied into the image',
        why: 'COPY and ADD write their files into a layer of the image. Private keys, registry tokens in `.npmrc`, `.env` files or cloud credentials copied that way can be read by anyone who gets the image, with `docker save` or tools like Dive. Deleting the file in a later RUN does not help: the later layer only hides it, the layer that added it still holds it. `COPY --from` another stage has the same effect.',
        how: 'Stop copying the file (and list it in `.dockerignore` so `COPY . .` cannot pick it up). Hand it to the single RUN that needs it with a BuildKit secret mount, e.g. `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` built with `docker build --secret id=npmrc,src=$HOME/.npmrc .`, and use `RUN --mount=type=ssh` with `docker build --ssh default` for SSH keys. Secrets the running container needs are mounted at run time. Rotate a secret that has already been pushed in an image.',
      },
      es: {
        title: 'Fichero secreto copiado en la imagen',
        why: 'COPY y ADD escriben sus ficheros en una capa de la imagen. Claves privadas, tokens de registros en `.npmrc`, ficheros `.env` o credenciales de la nube copiados así los puede leer cualquiera que consiga la imagen, con `docker save` o herramientas como Dive. Borrar el fichero en un RUN posterior no sirve: la capa siguiente solo lo oculta, la capa que lo añadió lo sigue conteniendo. `COPY --from` desde otra etapa tiene el mismo efecto.',
        how: 'Deja de copiar el fichero (y añádelo a `.dockerignore` para que `COPY . .` no lo arrastre). Entrégaselo solo al RUN que lo necesita con un montaje de secreto de BuildKit, p. ej. `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` construyendo con `docker build --secret id=npmrc,src=$HOME/.npmrc .`, y usa `RUN --mount=type=ssh` con `docker build --ssh default` para las claves SSH. Los secretos que necesita el contenedor en ejecución se montan al arrancarlo. Rota cualquier secreto que ya se haya publicado en una imagen.',
      },
    },
  },
  check({ model, report }) {
    for (const instruction of model.instructions) {
      for (const hit of secretCopies(model, instruction)) {
        const keyword = instruction.getKeyword();
        const what = KIND_TEXT[hit.kind];
        const advice: Localized = hit.kind === 'ssh' || hit.kind === 'sshdir'
          ? { en: 'use `RUN --mount=type=ssh` for the step that needs SSH', es: 'usa `RUN --mount=type=ssh` en el paso que necesita SSH' }
          : { en: 'give it to the RUN that needs it with `RUN --mount=type=secret,id=...,target=...`', es: 'entrégaselo al RUN que lo necesita con `RUN --mount=type=secret,id=...,target=...`' };
        const target: Localized = hit.byDestination
          ? { en: ' (by its destination)', es: ' (por su destino)' }
          : { en: '', es: '' };
        report({
          range: hit.range,
          message: {
            en: `${keyword} ${hit.source} copies ${what.en}${target.en} into an image layer, where anyone with the image can read it, even if a later step deletes it: ${advice.en}.`,
            es: `${keyword} ${hit.source} copia ${what.es}${target.es} a una capa de la imagen, donde cualquiera con la imagen puede leerlo aunque un paso posterior lo borre: ${advice.es}.`,
          },
        });
      }
    }
  },
};

/**
 * `/service[-_]?account.*\.json$/.test(name)` in linear time (the regular expression scans on from every
 * `serviceaccount` of a long name without a match).
 */
export function serviceAccountJson(name: string): boolean {
  const line = lastLineOf(name);
  return line.endsWith('.json') && /service[-_]?account/.test(line.slice(0, -'.json'.length));
}
