import type { DockerfileModel } from './dockerfile';
import type { LintOptions, Localized, LocalizedFix, Range, RuleMeta } from './types';

export interface Report {
  /** The exact offending text, not the whole line. */
  range: Range;
  message: Localized;
  fixes?: LocalizedFix[];
}

export interface RuleContext {
  readonly model: DockerfileModel;
  /** The lint options (configured registries, labels, build-context files...). */
  readonly options: LintOptions;
  report(report: Report): void;
}

/** One guide recommendation: metadata plus a check over the parsed Dockerfile. */
export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}
