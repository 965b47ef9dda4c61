// Generates the README's rule table (and, with --corpus, the per-rule counts on ../shared/corpus) from
// the rule metadata, so documentation cannot drift from the code. `npm run docs` rewrites README.md;
// It also lists the rule ids in package.json's settings schema and in the config file's JSON schema, and
// writes the hadolint mapping table. test/meta.test.ts fails when either is stale.
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../shared/rules';
import { configSchema } from '../shared/config';
import { hadolintTable } from '../server/hadolint';
import { lint } from '../shared/engine';
import type { Rule } from '../shared/rule';

export function ruleRow(rule: Rule): string {
  const { id, sections, severity, fixable, docs, equivalents } = rule.meta;
  const others = [equivalents.hadolint, equivalents.trivy, equivalents.checkov].map((ids) => (ids?.length ? ids.join(', ') : '–')).join(' / ');
  const defaultLevel = id === 'image-registry' ? `${severity} (off until configured)` : severity;
  return `| \`${id}\` | ${sections.join(', ')} | ${defaultLevel} | ${fixable ? 'yes' : '–'} | ${docs.en.title} | ${others} |`;
}

export function ruleTable(): string {
  return [
    '| id | guide | severity | fix | what it is about | hadolint / Trivy / Checkov |',
    '|---|---|---|---|---|---|',
    ...RULES.map(ruleRow),
  ].join('\n');
}

export function corpusTable(corpus: string): string {
  const files = fs.readdirSync(corpus).sort();
  const counts = new Map<string, { findings: number; files: number; fixable: number }>(RULES.map((r) => [r.meta.id, { findings: 0, files: 0, fixable: 0 }]));
  let lines = 0;
  for (const file of files) {
    const text = fs.readFileSync(path.join(corpus, file), 'utf8');
    lines += text.split('\n').length;
    const seen = new Set<string>();
    for (const f of lint(text)) {
      const c = counts.get(f.ruleId)!;
      c.findings++;
      if (f.fixes.some((x) => x.kind === 'quickfix')) c.fixable++;
      if (!seen.has(f.ruleId)) { seen.add(f.ruleId); c.files++; }
    }
  }
  return [
    `Findings on the ${files.length} Dockerfiles (${lines.toLocaleString('en')} lines) of the corpus, default settings:`,
    '',
    '| rule | findings | files | with a quick fix |',
    '|---|---:|---:|---:|',
    ...[...counts].map(([id, c]) => `| \`${id}\` | ${c.findings} | ${c.files} | ${c.fixable} |`),
  ].join('\n');
}

export function replaceBetween(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README lacks ${start} ... ${end}`);
  return `${text.slice(0, a + start.length)}\n${content}\n${text.slice(b)}`;
}

if (require.main === module) {
  void (async () => {
    const { loadEngine } = await import('../server/loadEngine');
    await loadEngine();
    const root = path.resolve(__dirname, '..', '..');
    const readmePath = path.join(root, 'README.md');
    let readme = replaceBetween(fs.readFileSync(readmePath, 'utf8'), 'rules', ruleTable());
    readme = replaceBetween(readme, 'hadolint', hadolintTable());
    readme = replaceBetween(readme, 'config', (await import('./config-reference')).configReference());
    fs.writeFileSync(path.join(root, 'schemas', 'dockerfile-seguro.schema.json'), `${JSON.stringify(configSchema(), null, 2)}\n`);
    const corpus = path.resolve(root, '..', 'shared', 'corpus', 'files');
    if (fs.existsSync(corpus)) readme = replaceBetween(readme, 'corpus', corpusTable(corpus));
    fs.writeFileSync(readmePath, readme);
    // The settings schema lists every rule so editors complete ids and levels.
    const manifestPath = path.join(root, 'package.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    const rules = manifest.contributes.configuration.properties['dockerfileSeguro.rules'];
    rules.properties = Object.fromEntries(RULES.map((r) => [r.meta.id, { type: 'string', enum: rules.additionalProperties.enum, description: '%configuration.rule%' }]));
    fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log('README.md and package.json updated');
  })();
}
