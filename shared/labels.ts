// Image metadata (3.1.7): the OCI annotation keys, how the older Label Schema keys map onto them, what
// their values must look like, and the LABEL entries of a Dockerfile as the rules read them.
import type { Instruction, Label } from 'dockerfile-ast';
import spdxParse from 'spdx-expression-parse';
import spdxIds from 'spdx-license-ids/index.json';
import spdxDeprecatedIds from 'spdx-license-ids/deprecated.json';
import spdxExceptions from 'spdx-exceptions/index.json';
import type { DockerfileModel, Stage } from './dockerfile';
import type { Localized, Range } from './types';
import { lookupTable } from './lookupTable';

export const OCI_PREFIX = 'org.opencontainers.image.';
export const LABEL_SCHEMA_PREFIX = 'org.label-schema.';

/** The pre-defined annotation keys of the OCI image specification. */
export const OCI_KEYS: readonly string[] = [
  'created', 'authors', 'url', 'documentation', 'source', 'version', 'revision', 'vendor', 'licenses', 'ref.name',
  'title', 'description', 'base.digest', 'base.name',
].map((k) => OCI_PREFIX + k);

/**
 * The value the `labels` action writes for the author to replace. `label-values` leaves it alone: it is
 * a visible reminder, not a malformed value.
 */
export const LABEL_PLACEHOLDER = 'TODO';

/** Keys the `labels` rule asks for when `requiredLabels` is not configured. */
export const DEFAULT_REQUIRED_LABELS: readonly string[] = ['title', 'description', 'source', 'licenses'].map((k) => OCI_PREFIX + k);

/**
 * Label Schema (rc1) keys and the OCI key that replaced each. Keys missing here (`schema-version`,
 * `docker.cmd`, `docker.params`, `rkt.*`...) have no OCI counterpart. Label Schema never defined a licence
 * key, but `org.label-schema.license` is common enough in the wild to map it to `licenses`.
 */
export const LABEL_SCHEMA_TO_OCI: Readonly<Record<string, string>> = lookupTable({
  'org.label-schema.build-date': `${OCI_PREFIX}created`,
  'org.label-schema.name': `${OCI_PREFIX}title`,
  'org.label-schema.description': `${OCI_PREFIX}description`,
  'org.label-schema.usage': `${OCI_PREFIX}documentation`,
  'org.label-schema.url': `${OCI_PREFIX}url`,
  'org.label-schema.vcs-url': `${OCI_PREFIX}source`,
  'org.label-schema.vcs-ref': `${OCI_PREFIX}revision`,
  'org.label-schema.vendor': `${OCI_PREFIX}vendor`,
  'org.label-schema.version': `${OCI_PREFIX}version`,
  'org.label-schema.license': `${OCI_PREFIX}licenses`,
});

// ---------------------------------------------------------------------------------------------------
// LABEL entries

export interface LabelEntry {
  instruction: Instruction;
  /** Key after quote removal and variable expansion; null when it holds a variable without a known value. */
  key: string | null;
  /** Key as written, quotes removed. */
  writtenKey: string;
  keyRange: Range;
  /** Value after quote removal (no expansion), or null when the entry has no value at all. */
  value: string | null;
  /** The value as written, quotes included. */
  rawValue: string;
  /** Range of the value as written; for an empty unquoted value, the whole `key=`. */
  valueRange: Range;
  /** The value expands a variable (`$VERSION`, `${GIT_SHA}`): it is only known at build time. */
  dynamic: boolean;
}

/** Outside single quotes, a `$` not escaped by a backslash: Docker expands it. */
export function expandsVariables(raw: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && quote !== "'") { i++; continue; }
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '$' && quote === '"') return true;
      continue;
    }
    if (c === '"' || c === "'") { quote = c; continue; }
    if (c === '$') return true;
  }
  return false;
}

export function labelEntries(model: DockerfileModel, instructions: Iterable<Instruction>): LabelEntry[] {
  const entries: LabelEntry[] = [];
  for (const instruction of instructions) {
    if (instruction.getKeyword() !== 'LABEL') continue;
    const line = instruction.getRange().start.line;
    for (const property of (instruction as Label).getProperties()) {
      const writtenKey = property.getName();
      const rawKey = model.index.textIn(property.getNameRange());
      const key = expandsVariables(rawKey) ? model.expand(writtenKey, line) : writtenKey;
      const value = property.getValue();
      const valueRange = property.getValueRange();
      const rawValue = valueRange ? model.index.textIn(valueRange) : '';
      const empty = !valueRange || (valueRange.start.line === valueRange.end.line && valueRange.start.character === valueRange.end.character);
      entries.push({
        instruction,
        key,
        writtenKey,
        keyRange: property.getNameRange(),
        value,
        rawValue,
        valueRange: empty ? property.getRange() : valueRange!,
        dynamic: expandsVariables(rawValue),
      });
    }
  }
  return entries;
}

/** LABEL entries that end up in a stage's image: its own and those of the stages it builds on. */
export function stageLabels(model: DockerfileModel, chain: Stage[]): LabelEntry[] {
  return labelEntries(model, chain.flatMap((s) => s.instructions));
}

// ---------------------------------------------------------------------------------------------------
// Value formats

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time such as `2024-05-01T12:00:00Z`, with the field ranges checked. */
export function isRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > days[month - 1]) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

// (the host's first character, then anything but blanks: `[^\s/?#]+[^\s]*` means the same but backtracks quadratically
// through a long URL that ends in a blank)
const URL_WITH_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#][^\s]*$/;
// `git@github.com:owner/repo.git`: the scp-like form git itself accepts for a repository location.
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/;

/** An absolute URL (`https://host/...`), or the scp-like git location, which tools accept for `source`. */
export function isAbsoluteUrl(value: string, allowScpLike = false): boolean {
  return URL_WITH_AUTHORITY.test(value) || (allowScpLike && SCP_LIKE.test(value));
}

const CANONICAL = new Map<string, string>(
  [...(spdxIds as string[]), ...(spdxDeprecatedIds as string[]), ...(spdxExceptions as string[])].map((id) => [id.toLowerCase(), id]),
);

/**
 * An SPDX license expression (`MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-only WITH Classpath-exception-2.0`).
 * SPDX matches identifiers case-insensitively, so `mit` passes too; `NONE` and `NOASSERTION` are the
 * SPDX words for "no licence" and "not stated".
 */
export function isSpdxExpression(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === 'NONE' || trimmed === 'NOASSERTION') return true;
  const tryParse = (text: string): boolean => {
    try {
      spdxParse(text);
      return true;
    } catch {
      return false;
    }
  };
  if (tryParse(trimmed)) return true;
  const canonical = trimmed.replace(/[A-Za-z0-9.-]+/g, (id) => {
    if (/^(and|or|with)$/i.test(id)) return id.toUpperCase();
    return CANONICAL.get(id.toLowerCase()) ?? id;
  });
  return canonical !== trimmed && tryParse(canonical);
}

/** A git commit id: 7 to 64 hexadecimal digits (abbreviated SHA-1 up to full SHA-256). */
export function isGitRevision(value: string): boolean {
  return /^[0-9a-fA-F]{7,64}$/.test(value);
}

/** An OCI content digest, `algorithm:encoded` (`sha256:...`). */
export function isDigest(value: string): boolean {
  return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(value);
}

/** What is wrong with the value of a known key, or null when it is fine or the key has no format. */
export function labelValueProblem(key: string, value: string): Localized | null {
  if (!key.startsWith(OCI_PREFIX)) return null;
  const name = key.slice(OCI_PREFIX.length);
  if (value.trim() === '') {
    return { en: `\`${key}\` is empty.`, es: `\`${key}\` está vacía.` };
  }
  switch (name) {
    case 'created':
      return isRfc3339(value) ? null : {
        en: `\`${key}\` must be an RFC 3339 date-time such as \`2024-05-01T12:00:00Z\`, not \`${value}\`.`,
        es: `\`${key}\` debe ser una fecha y hora RFC 3339 como \`2024-05-01T12:00:00Z\`, no \`${value}\`.`,
      };
    case 'url':
    case 'documentation':
    case 'source':
      return isAbsoluteUrl(value, name === 'source') ? null : {
        en: `\`${key}\` must be an absolute URL (\`https://...\`), not \`${value}\`.`,
        es: `\`${key}\` debe ser una URL absoluta (\`https://...\`), no \`${value}\`.`,
      };
    case 'licenses':
      return isSpdxExpression(value) ? null : {
        en: `\`${key}\` must be an SPDX license expression such as \`Apache-2.0\` or \`MIT OR Apache-2.0\`, not \`${value}\`.`,
        es: `\`${key}\` debe ser una expresión de licencia SPDX como \`Apache-2.0\` o \`MIT OR Apache-2.0\`, no \`${value}\`.`,
      };
    case 'revision':
      return isGitRevision(value) ? null : {
        en: `\`${key}\` should be the commit id the image was built from (7 to 64 hexadecimal digits), not \`${value}\`.`,
        es: `\`${key}\` debería ser el identificador del commit con el que se construyó la imagen (de 7 a 64 dígitos hexadecimales), no \`${value}\`.`,
      };
    case 'base.digest':
      return isDigest(value) ? null : {
        en: `\`${key}\` must be a content digest such as \`sha256:...\`, not \`${value}\`.`,
        es: `\`${key}\` debe ser un digest de contenido como \`sha256:...\`, no \`${value}\`.`,
      };
    default:
      return null;
  }
}
