// The README's configuration reference, rendered from the config file's JSON schema (configSchema() in
// shared/config.ts) so the documentation cannot drift from what the linter accepts. `npm run docs` puts it
// between `<!-- config:start -->` and `<!-- config:end -->`; test/docs.test.ts fails when it is stale.
import { configSchema } from '../shared/config';

/** The subset of JSON schema (draft-07) that configSchema() uses. */
interface Schema {
  type?: string;
  enum?: unknown[];
  description?: string;
  minLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  propertyNames?: { enum?: unknown[] };
  additionalProperties?: boolean | Schema;
}

function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/** A table cell: no line breaks, and `|` would end the cell. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function typeOf(schema: Schema): string {
  switch (schema.type) {
    case 'array': return schema.items ? `list of ${typeOf(schema.items)}s` : 'list';
    case 'object': return 'mapping';
    case undefined: return schema.enum ? [...new Set(schema.enum.map((v) => typeof v))].join(' or ') : 'any';
    default: return schema.type;
  }
}

/** The values of the entries of a mapping: their common enum, or their common type. */
function entryValues(schema: Schema): string {
  const entries = [...Object.values(schema.properties ?? {})];
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') entries.push(schema.additionalProperties);
  const shown = [...new Set(entries.map((entry) => allowedValues(entry)))];
  if (shown.length !== 1) throw new Error(`mapping entries with different values (${shown.join('; ')}): extend scripts/config-reference.ts`);
  return shown[0];
}

function allowedValues(schema: Schema): string {
  if (schema.enum) return schema.enum.map(code).join(', ');
  switch (schema.type) {
    case 'array': {
      if (!schema.items) return 'any';
      const each = allowedValues(schema.items);
      return each === 'non-empty' ? `non-empty ${typeOf(schema.items)}s` : each;
    }
    case 'object': {
      // The only mapping with a closed set of keys is `rules`, whose keys are the rule ids of the table above.
      const keys = schema.propertyNames?.enum ? 'a rule id (see [Rules](#rules))' : 'any key';
      return `${keys} → ${entryValues(schema)}`;
    }
    case 'string': return schema.minLength ? 'non-empty' : 'any';
    default: return 'any';
  }
}

/** A Markdown table of the configuration keys: key, type, allowed values, description. */
export function configReference(): string {
  const schema = configSchema() as Schema;
  const rows = Object.entries(schema.properties ?? {}).map(([key, property]) =>
    `| \`${key}\` | ${cell(typeOf(property))} | ${cell(allowedValues(property))} | ${cell(property.description ?? '')} |`);
  return ['| key | type | allowed values | description |', '|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) process.stdout.write(`${configReference()}\n`);
