// Plain data types shared by the engine, the language server and the CLI.
// Positions are 0-based and use UTF-16 code units, exactly as LSP does.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export type Locale = 'en' | 'es';

/** A text in both languages of the project. */
export interface Localized {
  en: string;
  es: string;
}

/**
 * `quickfix`: safe, mechanical, needs nothing from the user (fix-all and fix-on-save apply it).
 * `refactor`: an alternative the user may choose; never applied by fix-all.
 */
export type FixKind = 'quickfix' | 'refactor';

/** A change to another file of the build context (e.g. creating `.dockerignore`). */
export interface FileChange {
  /** Path relative to the Dockerfile's folder, forward slashes. */
  path: string;
  /** True: the file does not exist yet and is created with the edits applied to empty text. */
  create?: boolean;
  edits: TextEdit[];
}

export interface Fix {
  title: string;
  kind: FixKind;
  /** Edits of the Dockerfile itself. */
  edits: TextEdit[];
  /** Changes to other files, applied together with `edits`. */
  files?: FileChange[];
}

export interface LocalizedFix {
  title: Localized;
  kind: FixKind;
  edits: TextEdit[];
  files?: FileChange[];
}

/** Rule ids of other linters that check the same thing, so users can map their old configs. */
export interface Equivalents {
  hadolint?: string[];
  trivy?: string[];
  checkov?: string[];
}

export interface RuleDocs {
  /** Short name of the problem. */
  title: string;
  /** Why it matters, in the project's own words (guide's reasoning). */
  why: string;
  /** What to do instead. */
  how: string;
}

export interface RuleMeta {
  /** kebab-case, stable: it appears in ignore comments and configs. */
  id: string;
  /** Guide sections, most specific first, e.g. ['3.1.2', '2.1.3']. */
  sections: string[];
  severity: Severity;
  /** True when at least one finding can carry a `quickfix`. */
  fixable: boolean;
  docs: { en: RuleDocs; es: RuleDocs };
  equivalents: Equivalents;
  /**
   * 'stage': the rule's reports on each stage (and on the lines before the first FROM) depend only on that
   * part of the file, what comes before the first FROM and the stages it builds on; the engine then keeps them
   * across lints (shared/stageScope.ts). Unset: the rule reads the whole file.
   */
  scope?: 'stage';
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  guideSection: string;
  url: string;
  fixes: Fix[];
}

/** A file of the build context that the caller (server or CLI) read for the engine, which does no I/O. */
export interface ContextFile {
  /** Path relative to the Dockerfile's folder, with forward slashes (e.g. `.dockerignore`). */
  path: string;
  text: string;
}

export interface LintOptions {
  locale?: Locale;
  /** Rule id → severity override or 'off'. Unknown ids are ignored here (the config layer reports them). */
  rules?: Record<string, SeveritySetting>;
  /** Registries images may come from (e.g. `registry.example.com`, `docker.io`); unset = no registry check. */
  trustedRegistries?: string[];
  /** Label keys the final image must carry; unset = the OCI defaults. */
  requiredLabels?: string[];
  /**
   * What the caller knows about the build context. `dockerignore` is the ignore file that applies to this
   * Dockerfile, null when the caller looked and found none, undefined when it could not look (e.g. stdin).
   */
  context?: { dockerignore?: ContextFile | null };
}
