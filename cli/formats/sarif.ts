// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), as GitHub code scanning reads it.
//
// Severity mapping:
//   finding      SARIF level   security-severity   GitHub shows
//   error        error         7.5                 High
//   warning      warning       5.0                 Medium
//   info         note          3.0                 Low
//   hint         none          1.0                 Low
// `security-severity` is a rule property: it follows the level the rule runs at in this run (its default,
// or what the config and --rule made it; the most severe when files are configured differently).
import * as crypto from 'crypto';
import type * as Sarif from 'sarif';
import { GUIDE_SECTIONS, guideUrl } from '../../shared/guide';
import { RULES_BY_ID } from '../../shared/rules';
import type { Finding, RuleMeta, Severity } from '../../shared/types';
import type { FileResult, Formatter } from '../format';

export const TOOL_NAME = 'dockerfile-seguro';
/** The project has no home page of its own yet: the guide its rules come from. */
export const INFORMATION_URI = 'https://github.com/UlisesGascon/docker-seguro';
const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export const SARIF_LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  error: 'error', warning: 'warning', info: 'note', hint: 'none',
};
export const SECURITY_SEVERITY: Record<Severity, string> = { error: '7.5', warning: '5.0', info: '3.0', hint: '1.0' };

/** `prefer-copy` → `PreferCopy`: SARIF's human-readable rule name. */
function pascalCase(id: string): string {
  return id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function equivalents(meta: RuleMeta): string {
  const e = meta.equivalents;
  const parts = [['hadolint', e.hadolint], ['Trivy', e.trivy], ['Checkov', e.checkov]] as const;
  return parts.filter(([, ids]) => ids?.length).map(([tool, ids]) => `${tool} ${ids!.join(', ')}`).join('; ');
}

function descriptor(meta: RuleMeta, severity: Severity, locale: 'en' | 'es'): Sarif.ReportingDescriptor {
  const docs = meta.docs[locale];
  const section = meta.sections[0];
  const url = guideUrl(section);
  const same = equivalents(meta);
  const sameLabel = locale === 'es' ? 'Mismo control en otros linters' : 'Same check in other linters';
  const guideLabel = locale === 'es' ? 'Guía' : 'Guide';
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: docs.title },
    fullDescription: { text: docs.why },
    help: {
      text: [docs.why, docs.how, ...(same ? [`${sameLabel}: ${same}.`] : []), `${guideLabel} ${section}: ${url}`].join('\n\n'),
      markdown: [docs.why, docs.how, ...(same ? [`${sameLabel}: ${same}.`] : []),
        `${guideLabel}: [${section} ${GUIDE_SECTIONS[section]?.title ?? ''}](${url})`].join('\n\n'),
    },
    helpUri: url,
    defaultConfiguration: { level: SARIF_LEVEL[severity] },
    properties: {
      tags: ['security', 'dockerfile', ...meta.sections.map((s) => `docker-seguro/${s}`)],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[severity],
    },
  };
}

/** A relative path becomes a URI reference under %SRCROOT%; an absolute one a file: URI. */
function artifactLocation(file: string): Sarif.ArtifactLocation {
  const portable = file.split(/[\\/]/).map(encodeURIComponent).join('/');
  const absolute = /^([/\\]|[A-Za-z]:)/.test(file);
  if (!absolute) return { uri: portable, uriBaseId: '%SRCROOT%' };
  return { uri: `file://${portable.startsWith('/') ? '' : '/'}${portable.replace(/^([A-Za-z])%3A/, '$1:')}` };
}

/**
 * Stable across runs and insertions of other lines: a hash of the rule, the file and the text of the line
 * (trimmed), plus the occurrence number among identical ones, as GitHub's own fingerprints do.
 */
function fingerprints(file: string, text: string, findings: Finding[]): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const line = (lines[f.range.start.line] ?? '').trim();
    const hash = crypto.createHash('sha256').update(`${f.ruleId}\0${file.split(/[\\/]/).join('/')}\0${line}`).digest('hex').slice(0, 32);
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return `${hash}:${occurrence}`;
  });
}

export function toSarif(results: FileResult[], context: Parameters<Formatter>[1]): Sarif.Log {
  const severities = new Map(context.rules);
  for (const { findings } of results) {
    for (const f of findings) if (!severities.has(f.ruleId)) severities.set(f.ruleId, f.severity);
  }
  const ids = [...severities.keys()].filter((id) => RULES_BY_ID.has(id));
  const index = new Map(ids.map((id, i) => [id, i]));
  const sarifResults: Sarif.Result[] = [];
  for (const { file, text, findings } of results) {
    const prints = fingerprints(file, text, findings);
    findings.forEach((f, i) => {
      const { start, end } = f.range;
      sarifResults.push({
        ruleId: f.ruleId,
        ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId)! } : {}),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{
          physicalLocation: {
            artifactLocation: artifactLocation(file),
            region: { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 },
          },
        }],
        partialFingerprints: { primaryLocationLineHash: prints[i] },
      });
    });
  }
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL_NAME,
          version: context.version,
          semanticVersion: context.version,
          informationUri: INFORMATION_URI,
          rules: ids.map((id) => descriptor(RULES_BY_ID.get(id)!.meta, severities.get(id)!, context.locale)),
        },
      },
      columnKind: 'utf16CodeUnits',
      results: sarifResults,
    }],
  };
}

export const formatSarif: Formatter = (results, context) => `${JSON.stringify(toSarif(results, context), null, 2)}\n`;
