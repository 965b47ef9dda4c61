// The configuration file `.dockerfile-seguro.yaml` (or `.yml`, `.json`): its schema, validation of data
// already parsed (errors carry the key path so callers can point at a line), merging for `extends`, and
// the mapping of hadolint's own config. Pure: reading files and YAML positions is the caller's job.
import { RULES, RULES_BY_ID } from './rules';
import type { Locale, Severity, SeveritySetting } from './types';
import { lookupTable } from './lookupTable';

export const CONFIG_FILE_NAMES = ['.dockerfile-seguro.yaml', '.dockerfile-seguro.yml', '.dockerfile-seguro.json'] as const;
export const HADOLINT_FILE_NAMES = ['.hadolint.yaml', '.hadolint.yml'] as const;
export const CONFIG_LEVELS: readonly SeveritySetting[] = ['off', 'error', 'warning', 'info', 'hint'];
export const CONFIG_LOCALES: readonly Locale[] = ['en', 'es'];

/** A valid configuration file's content (every key optional). */
export interface ConfigData {
  extends?: string;
  rules?: Record<string, SeveritySetting>;
  ignorePaths?: string[];
  trustedRegistries?: string[];
  requiredLabels?: string[];
  locale?: Locale;
}

export type ConfigPath = (string | number)[];

/** A problem in a config file: `path` is the key path (['rules', 'prefer-copy']), `at` whether the key or its value is wrong. */
export interface ConfigIssue {
  path: ConfigPath;
  at: 'key' | 'value';
  message: string;
}

export interface Validation<T> {
  /** The valid parts only: an invalid entry is left out, the rest still applies. */
  config: T;
  issues: ConfigIssue[];
}

const STRING_LISTS = ['ignorePaths', 'trustedRegistries', 'requiredLabels'] as const;
const KEYS = ['$schema', 'extends', 'rules', ...STRING_LISTS, 'locale'] as const;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function quoteList(items: readonly string[]): string {
  const quoted = items.map((i) => `"${i}"`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted.join('');
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** ` (did you mean "x"?)` when a candidate is close enough. */
function suggestion(word: string, candidates: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function stringList(value: unknown, key: string, issues: ConfigIssue[]): string[] | undefined {
  if (!Array.isArray(value)) {
    issues.push({ path: [key], at: 'value', message: `"${key}" must be a list of strings, not ${describe(value)}` });
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    if (typeof item === 'string' && item.trim()) out.push(item.trim());
    else issues.push({ path: [key, i], at: 'value', message: `"${key}" entries must be non-empty strings, not ${describe(item)}` });
  });
  return out;
}

/** Checks a parsed `.dockerfile-seguro.*` file. */
export function validateConfig(data: unknown): Validation<ConfigData> {
  const issues: ConfigIssue[] = [];
  const config: ConfigData = {};
  if (data === null || data === undefined) return { config, issues }; // an empty file is a valid, empty config
  if (!isMapping(data)) {
    issues.push({ path: [], at: 'value', message: `the configuration must be a mapping of keys (${KEYS.slice(1).join(', ')}), not ${describe(data)}` });
    return { config, issues };
  }
  for (const [key, value] of Object.entries(data)) {
    switch (key) {
      case '$schema':
        if (typeof value !== 'string') issues.push({ path: [key], at: 'value', message: `"$schema" must be a string, not ${describe(value)}` });
        break;
      case 'extends':
        if (typeof value === 'string' && value.trim()) config.extends = value.trim();
        else issues.push({ path: [key], at: 'value', message: `"extends" must be the path of another config file, not ${describe(value)}` });
        break;
      case 'rules': {
        if (!isMapping(value)) {
          issues.push({ path: [key], at: 'value', message: `"rules" must be a mapping of rule id to level (${CONFIG_LEVELS.join(', ')}), not ${describe(value)}` });
          break;
        }
        const rules: Record<string, SeveritySetting> = {};
        for (const [id, level] of Object.entries(value)) {
          if (!RULES_BY_ID.has(id)) {
            issues.push({ path: [key, id], at: 'key', message: `unknown rule id "${id}"${suggestion(id, RULES.map((r) => r.meta.id))}` });
          } else if (typeof level !== 'string' || !(CONFIG_LEVELS as readonly string[]).includes(level)) {
            issues.push({ path: [key, id], at: 'value', message: `invalid level ${typeof level === 'string' ? `"${level}"` : describe(level)} for rule "${id}" (expected ${quoteList(CONFIG_LEVELS)})` });
          } else {
            rules[id] = level as SeveritySetting;
          }
        }
        config.rules = rules;
        break;
      }
      case 'ignorePaths':
      case 'trustedRegistries':
      case 'requiredLabels': {
        const list = stringList(value, key, issues);
        if (list) config[key] = list;
        break;
      }
      case 'locale':
        if (typeof value === 'string' && (CONFIG_LOCALES as readonly string[]).includes(value)) config.locale = value as Locale;
        else issues.push({ path: [key], at: 'value', message: `invalid locale ${typeof value === 'string' ? `"${value}"` : describe(value)} (expected ${quoteList(CONFIG_LOCALES)})` });
        break;
      default:
        issues.push({ path: [key], at: 'key', message: `unknown key "${key}"${suggestion(key, KEYS)} (expected ${KEYS.slice(1).join(', ')})` });
    }
  }
  return { config, issues };
}

/** `over` extends `base`: rules merge id by id, every other key of `over` replaces the base's. */
export function mergeConfigs(base: ConfigData, over: ConfigData): ConfigData {
  const merged: ConfigData = { ...base, ...over };
  if (base.rules || over.rules) merged.rules = { ...base.rules, ...over.rules };
  delete merged.extends;
  return merged;
}

// ---- hadolint's configuration ---------------------------------------------------------------------

/** hadolint's levels and ours; `style` has no counterpart and becomes `hint`. */
export const HADOLINT_LEVELS: Record<string, Severity> = lookupTable({ error: 'error', warning: 'warning', info: 'info', style: 'hint' });
const SEVERITY_ORDER: Severity[] = ['hint', 'info', 'warning', 'error'];

/** The rules that declare hadolint codes, code → rule ids (several rules may share a code). */
export function hadolintEquivalents(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const rule of RULES) {
    for (const code of rule.meta.equivalents.hadolint ?? []) {
      const key = code.toUpperCase();
      map.set(key, [...(map.get(key) ?? []), rule.meta.id]);
    }
  }
  return map;
}

export interface HadolintMapping {
  config: ConfigData;
  issues: ConfigIssue[];
  /** Where each rule setting comes from, e.g. 'pin-apt' → ['ignored: DL3008']. */
  origins: Record<string, string[]>;
  /** Codes named in the file that no rule declares, with what the file asked for them. */
  unmapped: { code: string; asked: string }[];
}

/**
 * What `.hadolint.yaml` means for us: `ignored` codes turn their rules off, `override` sets their level
 * (`style` → hint; when a rule's codes get different levels the most severe wins, and `ignored` wins over
 * `override`), `trustedRegistries` carries over and `label-schema`'s keys become `requiredLabels`. Other
 * hadolint keys are hadolint's business and are left alone.
 */
export function mapHadolintConfig(data: unknown): HadolintMapping {
  const issues: ConfigIssue[] = [];
  const config: ConfigData = {};
  const origins: Record<string, string[]> = {};
  const unmapped: { code: string; asked: string }[] = [];
  const result = { config, issues, origins, unmapped };
  if (data === null || data === undefined) return result;
  if (!isMapping(data)) {
    issues.push({ path: [], at: 'value', message: `a hadolint configuration must be a mapping, not ${describe(data)}` });
    return result;
  }
  const equivalents = hadolintEquivalents();
  const rules: Record<string, SeveritySetting> = {};
  const note = (id: string, text: string) => { (origins[id] ??= []).push(text); };
  const codesOf = (value: unknown, path: ConfigPath): string[] => {
    if (!Array.isArray(value)) {
      issues.push({ path, at: 'value', message: `"${path.join('.')}" must be a list of hadolint codes, not ${describe(value)}` });
      return [];
    }
    const codes: string[] = [];
    value.forEach((item, i) => {
      if (typeof item === 'string' && item.trim()) codes.push(item.trim().toUpperCase());
      else issues.push({ path: [...path, i], at: 'value', message: `hadolint codes must be strings such as "DL3008", not ${describe(item)}` });
    });
    return codes;
  };

  const override = data.override;
  if (override !== undefined && override !== null) {
    if (!isMapping(override)) {
      issues.push({ path: ['override'], at: 'value', message: `"override" must be a mapping of level (${Object.keys(HADOLINT_LEVELS).join(', ')}) to codes, not ${describe(override)}` });
    } else {
      for (const [level, codes] of Object.entries(override)) {
        const severity = HADOLINT_LEVELS[level];
        if (!severity) {
          issues.push({ path: ['override', level], at: 'key', message: `unknown hadolint level "${level}" (expected ${quoteList(Object.keys(HADOLINT_LEVELS))})` });
          continue;
        }
        if (codes === null) continue;
        for (const code of codesOf(codes, ['override', level])) {
          const ids = equivalents.get(code);
          if (!ids) { unmapped.push({ code, asked: `override ${level}` }); continue; }
          for (const id of ids) {
            const current = rules[id];
            if (!current || current === 'off' || SEVERITY_ORDER.indexOf(severity) > SEVERITY_ORDER.indexOf(current)) rules[id] = severity;
            note(id, `override ${level}: ${code}`);
          }
        }
      }
    }
  }
  if (data.ignored !== undefined && data.ignored !== null) {
    for (const code of codesOf(data.ignored, ['ignored'])) {
      const ids = equivalents.get(code);
      if (!ids) { unmapped.push({ code, asked: 'ignored' }); continue; }
      for (const id of ids) {
        rules[id] = 'off';
        note(id, `ignored: ${code}`);
      }
    }
  }
  if (Object.keys(rules).length) config.rules = rules;
  if (data.trustedRegistries !== undefined && data.trustedRegistries !== null) {
    const list = stringList(data.trustedRegistries, 'trustedRegistries', issues);
    if (list) config.trustedRegistries = list;
  }
  const schema = data['label-schema'];
  if (schema !== undefined && schema !== null) {
    if (isMapping(schema)) config.requiredLabels = Object.keys(schema);
    else issues.push({ path: ['label-schema'], at: 'value', message: `"label-schema" must be a mapping of label to type, not ${describe(schema)}` });
  }
  return result;
}

// ---- JSON schema ----------------------------------------------------------------------------------

/** The JSON schema (draft-07) of the config file, with the rule ids of the registry. Published in schemas/. */
export function configSchema(): Record<string, unknown> {
  // Inline rather than a $ref: draft-07 ignores the siblings of $ref, descriptions included.
  const level = { type: 'string', enum: [...CONFIG_LEVELS] };
  const strings = (description: string) => ({ type: 'array', description, items: { type: 'string', minLength: 1 } });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Dockerfile Seguro configuration',
    description: 'Configuration of dockerfile-seguro (.dockerfile-seguro.yaml, .yml or .json), found from the linted Dockerfile\'s folder upward to the repository root.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'The JSON schema of this file.' },
      extends: { type: 'string', minLength: 1, description: 'Path (relative to this file) of another config file whose settings this one extends; this file wins.' },
      rules: {
        type: 'object',
        description: 'Rule id → level: off, error, warning, info or hint.',
        propertyNames: { enum: RULES.map((r) => r.meta.id) },
        properties: Object.fromEntries(RULES.map((r) => [r.meta.id, {
          ...level,
          description: `${r.meta.docs.en.title} (guide ${r.meta.sections.join(', ')}; default ${r.meta.severity})`,
        }])),
        additionalProperties: false,
      },
      ignorePaths: strings('Globs, relative to this file\'s folder, of Dockerfiles not to lint.'),
      trustedRegistries: strings('Registries images may come from (e.g. registry.example.com, docker.io).'),
      requiredLabels: strings('Label keys the final image must carry.'),
      locale: { enum: [...CONFIG_LOCALES], description: 'Language of the messages.' },
    },
  };
}
