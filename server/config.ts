// STUB (interface only): configuration discovery is being written. Shared by the language server and the CLI.
import type { LintOptions, Locale, SeveritySetting } from '../shared/types';

export interface ResolvedConfig {
  /** The config file that applies (after `extends`), or null when none was found or --no-config. */
  source: string | null;
  rules: Record<string, SeveritySetting>;
  trustedRegistries?: string[];
  requiredLabels?: string[];
  locale?: Locale;
  /** Globs (relative to the config file's folder) of Dockerfiles not to lint. */
  ignorePaths: string[];
}

/** A problem in a config file, with the place it is at (1-based line) for the editor and the CLI. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly line: number, readonly key: string | null, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

export interface LoadOptions {
  /** --config PATH: use this file instead of discovery. */
  configPath?: string;
  /** --no-config: ignore config files. */
  noConfig?: boolean;
}

/** The configuration that applies to a Dockerfile: found from its folder upward to the repository root. Throws ConfigError. */
export function loadConfigFor(_dockerfilePath: string, _options: LoadOptions = {}): ResolvedConfig {
  return { source: null, rules: {}, ignorePaths: [] };
}

/** Lint options for the engine from a resolved config (settings from the editor or CLI flags are layered on top by the caller). */
export function lintOptionsFrom(config: ResolvedConfig): LintOptions {
  return {
    rules: config.rules,
    ...(config.trustedRegistries ? { trustedRegistries: config.trustedRegistries } : {}),
    ...(config.requiredLabels ? { requiredLabels: config.requiredLabels } : {}),
    ...(config.locale ? { locale: config.locale } : {}),
  };
}
