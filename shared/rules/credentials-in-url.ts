// 2.2.3 Gestión de secretos (and 3.1.8 BuildKit secrets): a password or token written into a URL of the
// Dockerfile is stored in the image: in its history for RUN and ARG/ENV, in its config for ENV, and in
// every copy of the Dockerfile itself.
//
// Flagged (error), in every stage, in RUN command words (parsed: comments excluded), ADD/COPY sources, ENV
// and ARG values, and the arguments of other instructions (CMD, ENTRYPOINT, HEALTHCHECK, LABEL, exec-form
// and non-POSIX RUN):
// - `scheme://user:password@host` with a literal password (`https://x-access-token:<token>@github.com`,
//   `https://oauth2:<token>@gitlab...` included);
// - token query parameters with a literal value: `?token=`, `access_token=`, `private_token=`,
//   `auth_token=`, `api_key=`/`apikey=`, `client_secret=`, `password=`;
// - GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`) and GitLab (`glpat-`) tokens inside a URL.
// Not flagged: `user@host` without a password and `git@github.com:org/repo` (SSH, no secret); a password or
// token that is a variable reference (`https://$USER:${TOKEN}@...`, `?token=$T`): where such a variable
// comes from an ARG/ENV, secret-in-arg-env is the rule that cares; placeholders such as `<password>`;
// ARG/ENV values that secret-in-arg-env reports already (a secret-looking name such as `GIT_TOKEN`, or a
// token-shaped value such as `ghp_...`): the same secret is not reported twice.
// Range: the credential part (`user:password`, `token=value`, the token). No fix: the secret has to be
// revoked and passed with a BuildKit secret mount instead, which only the author can set up.
import type { Instruction, Property } from 'dockerfile-ast';
import type { RunShell } from '../dockerfile';
import type { Rule } from '../rule';
import type { Range } from '../types';
import { memoByScript } from '../memo';
import { containsCommand } from '../shell/commands';
import { credentialIn, secretToken } from './secret-in-arg-env';

interface Hit {
  start: number;
  end: number;
  kind: 'userinfo' | 'query' | 'token';
}

const QUERY = /[?&](token|access_token|private_token|auth_token|api_key|apikey|api-key|client_secret|password)=([^&#\s"'`]+)/gi;
const TOKENS = /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,})/g;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const AUTHORITY_END = /[\s/?#"'`]/;

function isLiteral(secret: string): boolean {
  if (secret.includes('$') || secret.includes('`')) return false;
  if (/^<[^>]*>$/.test(secret) || /^(\*+|x+|\.+)$/i.test(secret)) return false; // placeholders
  return secret.length > 0;
}

/** Credential spans in `text` (offsets relative to it). Linear: it walks the `://` of the text. */
export function credentialsIn(text: string): Hit[] {
  const hits: Hit[] = [];
  if (!text.includes('://')) return hits;
  // The end of the authority after a `://` is searched once for all the `://` before it (`://://://…` with no end:
  // each one scanned to the end of the text, quadratic; fuzz seed 1128018 case 5465).
  let authorityEnd = -1;
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    // `scheme://`: a letter, then letters, digits, `+`, `.` or `-`.
    let s = at;
    while (s > 0 && at - s < 32 && SCHEME_CHAR.test(text[s - 1])) s--;
    while (s < at && !/[A-Za-z]/.test(text[s])) s++;
    if (s === at) continue;
    if (authorityEnd < at + 3) {
      authorityEnd = at + 3;
      while (authorityEnd < text.length && !AUTHORITY_END.test(text[authorityEnd])) authorityEnd++;
    }
    const e = authorityEnd;
    const authority = text.slice(at + 3, e);
    const sign = authority.indexOf('@');
    if (sign < 0) continue;
    const userinfo = authority.slice(0, sign);
    const colon = userinfo.indexOf(':');
    if (colon <= 0 || !isLiteral(userinfo.slice(colon + 1))) continue;
    hits.push({ start: at + 3, end: at + 3 + userinfo.length, kind: 'userinfo' });
  }
  // (exec with the shared global patterns: matchAll would copy the pattern for every text)
  QUERY.lastIndex = 0;
  for (let m = QUERY.exec(text); m; m = QUERY.exec(text)) {
    if (!isLiteral(m[2])) continue;
    const start = m.index + 1;
    hits.push({ start, end: start + m[1].length + 1 + m[2].length, kind: 'query' });
  }
  // A token inside a URL's userinfo or query is already reported. The spans so far, by start: `reach` is the
  // furthest end of those starting at or before a token (tokens come in order and never overlap one another).
  const spans = hits.slice().sort((a, b) => a.start - b.start);
  let next = 0;
  let reach = -1;
  TOKENS.lastIndex = 0;
  for (let m = TOKENS.exec(text); m; m = TOKENS.exec(text)) {
    const start = m.index;
    for (; next < spans.length && spans[next].start <= start; next++) reach = Math.max(reach, spans[next].end);
    if (reach > start) continue;
    hits.push({ start, end: start + m[0].length, kind: 'token' });
  }
  return hits;
}

/**
 * The credentials of a RUN's script, at offsets in its source: once per script, which the RUN cache keeps
 * across lints (an edit elsewhere does not read this RUN again).
 */
const runHits = memoByScript(({ script, source }: RunShell): Hit[] => {
  const hits: Hit[] = [];
  // Every text read below is a slice of the source, and credentialsIn finds nothing without a `://`.
  if (!source.includes('://')) return hits;
  const scan = (start: number, end: number, text: string) => {
    for (const h of credentialsIn(text)) hits.push({ ...h, start: start + h.start, end: start + h.end });
  };
  // Words, and prefix assignments (`TOKEN_URL=https://u:p@h cmd`, between the command start and its name).
  // A command inside another one's word (`$(…)`, backticks) is read as part of that word: reading every
  // nested word again read the text once per level (1,354 nested backticks in a 35 KB RUN: 1.4 s).
  // Only regions with a `://` are kept: one inside a region without it has none either, so which regions
  // holding one are read (not those inside another read one) stays the same.
  const regions: Array<{ start: number; end: number; text: string }> = [];
  const addRegion = (start: number, end: number, text: string) => {
    if (text.includes('://')) regions.push({ start, end, text });
  };
  for (const command of script.commands) {
    if (command.name.start > command.start) addRegion(command.start, command.name.start, source.slice(command.start, command.name.start));
    addRegion(command.name.start, command.name.end, command.name.text);
    for (const word of command.args) addRegion(word.start, word.end, word.text);
  }
  regions.sort((a, b) => a.start - b.start || b.end - a.end);
  let covered = -1;
  for (const region of regions) {
    if (region.end <= covered) continue;
    covered = region.end;
    scan(region.start, region.end, region.text);
  }
  for (const chain of script.chains) {
    for (const item of chain) {
      if (item.command || containsCommand(script.commands, item.start, item.end)) continue;
      scan(item.start, item.end, source.slice(item.start, item.end)); // `export URL=...`
    }
  }
  return hits;
});

const MESSAGES: Record<Hit['kind'], { en: string; es: string }> = {
  userinfo: {
    en: 'A password is written into this URL: it stays in the image history and in the Dockerfile. Revoke it and pass it with a BuildKit secret (`RUN --mount=type=secret`).',
    es: 'Esta URL lleva una contraseña escrita: queda en el historial de la imagen y en el Dockerfile. Revócala y pásala con un secreto de BuildKit (`RUN --mount=type=secret`).',
  },
  query: {
    en: 'A token is written into this URL: it stays in the image history and in the Dockerfile. Revoke it and pass it with a BuildKit secret (`RUN --mount=type=secret`).',
    es: 'Esta URL lleva un token escrito: queda en el historial de la imagen y en el Dockerfile. Revócalo y pásalo con un secreto de BuildKit (`RUN --mount=type=secret`).',
  },
  token: {
    en: 'An access token is written into this URL: it stays in the image history and in the Dockerfile. Revoke it and pass it with a BuildKit secret (`RUN --mount=type=secret`).',
    es: 'Esta URL lleva un token de acceso escrito: queda en el historial de la imagen y en el Dockerfile. Revócalo y pásalo con un secreto de BuildKit (`RUN --mount=type=secret`).',
  },
};

export const credentialsInUrl: Rule = {
  meta: {
    id: 'credentials-in-url',
    sections: ['2.2.3', '3.1.8'],
    severity: 'error',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'No credentials in URLs',
        why: 'A password or token inside a URL (`https://user:secret@host`, `?token=...`) is kept wherever the Dockerfile goes and in the image itself: RUN commands and ARG/ENV values are readable with `docker history` and `docker inspect`, even after a later step deletes files. Anyone with the image or the repository gets the credential.',
        how: 'Revoke the exposed credential. Pass secrets at build time with BuildKit (`RUN --mount=type=secret,id=token ...` and `docker build --secret id=token,...`), or use a credential helper or `.netrc` provided through a secret mount, so nothing sensitive is written into a layer.',
      },
      es: {
        title: 'Sin credenciales en las URLs',
        why: 'Una contraseña o un token dentro de una URL (`https://usuario:secreto@host`, `?token=...`) se conserva allá donde vaya el Dockerfile y en la propia imagen: los comandos RUN y los valores ARG/ENV se leen con `docker history` y `docker inspect`, aunque un paso posterior borre ficheros. Quien tenga la imagen o el repositorio obtiene la credencial.',
        how: 'Revoca la credencial expuesta. Pasa los secretos en el build con BuildKit (`RUN --mount=type=secret,id=token ...` y `docker build --secret id=token,...`), o usa un helper de credenciales o un `.netrc` montado como secreto, para que nada sensible quede escrito en una capa.',
      },
    },
  },
  check({ model, report }) {
    const hits: Array<{ start: number; end: number; kind: Hit['kind'] }> = [];
    const scan = (text: string, offset: number) => {
      for (const h of credentialsIn(text)) hits.push({ start: offset + h.start, end: offset + h.end, kind: h.kind });
    };
    const scanRange = (range: Range) => {
      const start = model.offsetAt(range.start);
      scan(model.text.slice(start, model.offsetAt(range.end)), start);
    };
    // Everything scanned lies inside its instruction, and credentialsIn finds nothing without a `://`: most
    // instructions (and files) are ruled out by their text, before reading their arguments or properties.
    if (!model.text.includes('://')) return;
    for (const instruction of model.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'FROM') continue;
      const range = instruction.getRange();
      if (!model.text.slice(model.offsetAt(range.start), model.offsetAt(range.end)).includes('://')) continue;
      if (keyword === 'RUN') {
        const shell = model.shellOf(instruction);
        if (shell) {
          for (const h of runHits(shell)) hits.push({ start: shell.offset + h.start, end: shell.offset + h.end, kind: h.kind });
          continue;
        }
      }
      if (keyword === 'ENV' || keyword === 'ARG') {
        for (const property of (instruction as unknown as { getProperties(): Property[] }).getProperties()) {
          const range = property.getValueRange();
          const value = property.getValue();
          // secret-in-arg-env already reports a secret-named variable or a token-shaped value: one finding.
          if (!range || secretToken(property.getName()) !== null || (value !== null && credentialIn(value) !== null)) continue;
          scanRange(range);
        }
        continue;
      }
      for (const argument of (instruction as Instruction).getArguments()) scanRange(argument.getRange());
    }
    const seen = new Set<number>();
    for (const hit of hits.sort((a, b) => a.start - b.start)) {
      if (seen.has(hit.start)) continue;
      seen.add(hit.start);
      report({ range: model.rangeOf(hit.start, hit.end), message: MESSAGES[hit.kind] });
    }
  },
};

