import * as fs from 'fs';
import * as path from 'path';
import { loadEngine as loadEngineWith } from '../server/loadEngine';
import { lint, type EngineOptions } from '../shared/engine';
import type { Finding } from '../shared/types';

// Compiled tests live in out/test; a helper may compile elsewhere and run from the repository root.
export const ROOT = [path.resolve(__dirname, '..', '..'), process.cwd()]
  .find((dir) => fs.existsSync(path.join(dir, 'test', 'fixtures'))) ?? process.cwd();
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'files');
export const GUIDE = path.resolve(ROOT, '..', 'shared', 'guide');

/** The engine as the CLI loads it (usable as a `before` hook: takes no argument). */
export const loadEngine = (): Promise<void> => loadEngineWith();

/** Lints with rule crashes turned into test failures. */
export function lintStrict(text: string, options: EngineOptions = {}): Finding[] {
  return lint(text, { ...options, onRuleError: (id, error) => { throw new Error(`rule ${id} threw: ${String((error as Error)?.stack ?? error)}`); } });
}

export function findingsOf(text: string, ruleId: string, options: EngineOptions = {}): Finding[] {
  return lintStrict(text, options).filter((f) => f.ruleId === ruleId);
}

/** 1-based `line:col-line:col` (end exclusive), the notation of fixture headers. */
export function formatRange(f: Finding): string {
  const r = f.range;
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

export function readFixture(...parts: string[]): string {
  return fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8');
}
