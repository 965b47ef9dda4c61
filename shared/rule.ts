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
  /**
   * For a stage-scoped rule whose reports on a stage also depend on a little of the rest of the file: that
   * little, as a string read from the whole model once per lint. Reports kept for a stage are used only while
   * it is the same.
   */
  stageContext?(model: DockerfileModel): string;
}
