// The exit code's rule for findings, apart from main.ts so it can be tested directly.
import { SEVERITIES, type Finding, type Severity } from '../shared/types';

/**
 * True (exit code 1) when a finding is at or above the threshold. With --max-warnings N, warnings count
 * against that budget instead of the threshold: they fail the run only when there are more than N.
 */
export function findingsFail(findings: Finding[], threshold: Severity, maxWarnings: number | null): boolean {
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === 'warning' && maxWarnings !== null) warnings++;
    else if (rank(f.severity) <= rank(threshold)) return true;
  }
  return maxWarnings !== null && warnings > maxWarnings;
}
