// The lint options for one Dockerfile: defaults, then its config file, then the command line.
import * as path from 'path';
import { lintOptionsFrom, loadConfigFor, type ResolvedConfig } from '../server/config';
import { effectiveSeverity } from '../shared/engine';
import { RULES } from '../shared/rules';
import type { LintOptions, Locale, Severity, SeveritySetting } from '../shared/types';
import type { LintCommand } from './args';

export interface FileOptions {
  options: LintOptions;
  config: ResolvedConfig;
}

/**
 * Loads the config that applies to `dockerfile` (throws ConfigError) and layers the command line on top:
 * `--rule` wins over the config, `--only` turns every other rule off, `--lang` wins over the config's locale.
 */
export function optionsFor(dockerfile: string, command: LintCommand, cwd: string): FileOptions {
  const config = loadConfigFor(dockerfile, {
    ...(command.configPath !== null ? { configPath: path.resolve(cwd, command.configPath) } : {}),
    noConfig: command.noConfig,
  });
  const base = lintOptionsFrom(config);
  const rules: Record<string, SeveritySetting> = { ...base.rules, ...command.rules };
  if (command.only) for (const rule of RULES) if (!command.only.includes(rule.meta.id)) rules[rule.meta.id] = 'off';
  const locale: Locale = command.locale ?? base.locale ?? command.envLocale;
  return { options: { ...base, rules, locale }, config };
}

/** Rule id → severity for the rules these options run, in the catalogue's order. */
export function enabledRules(options: LintOptions): Map<string, Severity> {
  const enabled = new Map<string, Severity>();
  for (const rule of RULES) {
    const severity = effectiveSeverity(rule, options);
    if (severity) enabled.set(rule.meta.id, severity);
  }
  return enabled;
}

// Read the same way by the language server (bounded in size, no symlink out of the project).
export { dockerignoreFor } from '../server/contextFiles';
