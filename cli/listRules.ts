// --list-rules: the catalogue, as a table for people or JSON for scripts.
import { guideUrl } from '../shared/guide';
import { RULES } from '../shared/rules';
import type { Equivalents, Locale, Severity } from '../shared/types';

export interface RuleListing {
  id: string;
  sections: string[];
  severity: Severity;
  fixable: boolean;
  equivalents: Equivalents;
  title: string;
  url: string;
}

export function ruleListing(locale: Locale): RuleListing[] {
  return RULES.map(({ meta }) => ({
    id: meta.id,
    sections: [...meta.sections],
    severity: meta.severity,
    fixable: meta.fixable,
    equivalents: meta.equivalents,
    title: meta.docs[locale].title,
    url: guideUrl(meta.sections[0]),
  }));
}

export function listRules(format: 'text' | 'json', locale: Locale): string {
  const rules = ruleListing(locale);
  if (format === 'json') return `${JSON.stringify(rules, null, 2)}\n`;
  const yes = locale === 'es' ? 'sí' : 'yes';
  const header = locale === 'es' ? ['regla', 'guía', 'nivel', 'fix', 'título'] : ['rule', 'guide', 'severity', 'fix', 'title'];
  const rows = [header, ...rules.map((r) => [r.id, r.sections.join(', '), r.severity, r.fixable ? yes : '-', r.title])];
  const widths = header.map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n') + '\n';
}
