// Checkstyle XML, the report format that Jenkins (Warnings Next Generation) and other Checkstyle readers
// take: one <file> per linted Dockerfile, one <error> per finding.
import type { Severity } from '../../shared/types';
import type { Formatter } from '../format';

const SEVERITY: Record<Severity, 'error' | 'warning' | 'info'> = { error: 'error', warning: 'warning', info: 'info', hint: 'info' };

/** For attribute values: markup characters as entities, line breaks and tabs as character references, and
 * the characters XML 1.0 cannot hold at all (other control characters, lone surrogates, U+FFFE/U+FFFF) dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

export const formatCheckstyle: Formatter = (results) => {
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n';
  for (const { file, findings } of results) {
    if (findings.length === 0) {
      out += `  <file name="${escapeXml(file)}"/>\n`;
      continue;
    }
    out += `  <file name="${escapeXml(file)}">\n`;
    for (const f of findings) {
      out += `    <error line="${f.range.start.line + 1}" column="${f.range.start.character + 1}" severity="${SEVERITY[f.severity]}"`
        + ` message="${escapeXml(f.message)}" source="dockerfile-seguro.${escapeXml(f.ruleId)}"/>\n`;
    }
    out += '  </file>\n';
  }
  return `${out}</checkstyle>\n`;
};
