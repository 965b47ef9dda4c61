// GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.
// https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
import type { Severity } from '../../shared/types';
import type { Formatter } from '../format';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** The message part: `%`, CR and LF would end or corrupt the command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which separate the properties from each other and from the message. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `::warning file=F,line=L,col=C,endLine=L,endColumn=C,title=rule::message (guide URL)`, 1-based. GitHub
 * takes columns only when the annotation stays on one line, and `endColumn` is the last column it covers.
 */
export const formatGithub: Formatter = (results) => {
  const lines: string[] = [];
  for (const { file, findings } of results) {
    for (const f of findings) {
      const { start, end } = f.range;
      const properties: Array<[string, string | number]> = [['file', file.split(/[\\/]/).join('/')], ['line', start.line + 1]];
      if (start.line === end.line) properties.push(['col', start.character + 1]);
      properties.push(['endLine', end.line + 1]);
      if (start.line === end.line) properties.push(['endColumn', Math.max(end.character, start.character + 1)]);
      properties.push(['title', f.ruleId]);
      const props = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
      lines.push(`::${COMMAND[f.severity]} ${props}::${escapeData(`${f.message} (${f.url})`)}\n`);
    }
  }
  return lines.join('');
};
