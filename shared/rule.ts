import type { DockerfileModel } from './dockerfile';
import type { Localized, LocalizedFix, Range, RuleMeta } from './types';

export interface Report {
  /** The exact offending text, not the whole line. */
  range: Range;
  message: Localized;
  fixes?: LocalizedFix[];
}

export interface RuleContext {
  readonly model: DockerfileModel;
  report(report: Report): void;
}

/** One guide recommendation: metadata plus a check over the parsed Dockerfile. */
export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}
