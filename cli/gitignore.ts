// .gitignore files, as git reads them: each one applies to the paths under its folder, and a deeper file
// wins over the ones above it (so `!keep/Dockerfile` in a subfolder re-includes what the root excluded).
import * as fs from 'fs';
import * as path from 'path';
import ignore from 'ignore';

type Ignore = ignore.Ignore;

export class Gitignores {
  private readonly loaded = new Map<string, Ignore | null>();

  /**
   * The folder whose .gitignore files apply from `start` down: the repository root; outside a repository,
   * the current folder when `start` is under it, else `start` itself.
   */
  static topFor(start: string, cwd: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, '.git'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
    const relative = path.relative(cwd, start);
    return relative.startsWith('..') || path.isAbsolute(relative) ? start : cwd;
  }

  /** True when a .gitignore between `top` and the entry's folder excludes it. */
  isIgnored(top: string, entry: string, isFolder: boolean): boolean {
    const chain: string[] = [];
    for (let dir = path.dirname(entry); ; dir = path.dirname(dir)) {
      chain.push(dir);
      if (dir === top || path.dirname(dir) === dir) break;
    }
    if (chain[chain.length - 1] !== top) return false; // not under top: no .gitignore applies
    for (const dir of chain) { // deepest first: the first file with an opinion decides
      const rules = this.rulesOf(dir);
      if (!rules) continue;
      const relative = path.relative(dir, entry).split(path.sep).join('/') + (isFolder ? '/' : '');
      const verdict = rules.test(relative);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }

  private rulesOf(dir: string): Ignore | null {
    let rules = this.loaded.get(dir);
    if (rules === undefined) {
      let text: string | null = null;
      try {
        text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
      } catch {
        // no .gitignore here (or unreadable: git would not honour it either)
      }
      rules = text === null ? null : ignore().add(text);
      this.loaded.set(dir, rules);
    }
    return rules;
  }
}
