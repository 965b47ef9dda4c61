// Data-driven checks of every rule against its fixtures, in LF and CRLF, with fix round-trips.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { RULES } from '../shared/rules';
import { applyEdits } from '../shared/textDocument';
import { fixAll } from '../shared/engine';
import type { Finding, Fix, LintOptions } from '../shared/types';
import { FIXTURES, findingsOf, formatRange, lintStrict, loadEngine } from './helpers';

const EXPECT = /^# expect: (\d+:\d+-\d+:\d+)\s*$/gm;
const OPTIONS = /^# options: (.+)$/m;

function countByRule(findings: Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return counts;
}

/**
 * A fix applied to the Dockerfile and to the build context the options describe: fixes may create or
 * edit the .dockerignore, which the caller (CLI, editor) writes next to the Dockerfile.
 */
function applyFix(text: string, options: LintOptions, fix: Fix): { text: string; options: LintOptions } {
  let dockerignore = options.context?.dockerignore;
  for (const change of fix.files ?? []) {
    assert.ok(dockerignore !== undefined, 'a file change needs a known build context');
    if (change.create) {
      assert.equal(dockerignore, null, `${change.path} is created only when it does not exist`);
      dockerignore = { path: change.path, text: applyEdits('', change.edits) };
    } else {
      assert.ok(dockerignore && dockerignore.path === change.path, `edits an existing ${change.path}`);
      dockerignore = { path: change.path, text: applyEdits(dockerignore.text, change.edits) };
    }
  }
  return { text: applyEdits(text, fix.edits), options: fix.files ? { ...options, context: { ...options.context, dockerignore } } : options };
}

/** Fix-all that also carries file changes (the engine's fixAll only edits the Dockerfile). */
function fixAllWithContext(text: string, options: LintOptions, id: string): { text: string; options: LintOptions } {
  let state = { text, options };
  for (let pass = 0; pass < 20; pass++) {
    const fix = findingsOf(state.text, id, state.options).flatMap((f) => f.fixes).find((f) => f.kind === 'quickfix');
    if (!fix) break;
    state = applyFix(state.text, state.options, fix);
  }
  return state;
}

before(loadEngine);

for (const rule of RULES) {
  const id = rule.meta.id;
  const dir = path.join(FIXTURES, 'rules', id);
  const files = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith('.Dockerfile') && !f.endsWith('.fixed.Dockerfile')).sort()
    : [];

  describe(`fixtures of ${id}`, () => {
    for (const file of files) {
      const original = fs.readFileSync(path.join(dir, file), 'utf8');
      const fixedPath = path.join(dir, file.replace(/\.Dockerfile$/, '.fixed.Dockerfile'));
      const expectedFixed = fs.existsSync(fixedPath) ? fs.readFileSync(fixedPath, 'utf8') : null;
      const optionsLine = OPTIONS.exec(original);
      const options: LintOptions = optionsLine ? JSON.parse(optionsLine[1]) : {};

      for (const eol of ['LF', 'CRLF'] as const) {
        const text = eol === 'LF' ? original : original.replace(/\r?\n/g, '\r\n');
        const expected = [...original.matchAll(EXPECT)].map((m) => m[1]).sort();

        it(`${file} (${eol}) reports exactly the expected ranges`, () => {
          const found = findingsOf(text, id, options).map(formatRange).sort();
          assert.deepEqual(found, expected);
        });

        if (/^# expect-no-fix\s*$/m.test(original)) {
          it(`${file} (${eol}) offers no quick fix`, () => {
            for (const f of findingsOf(text, id, options)) assert.deepEqual(f.fixes.filter((x) => x.kind === 'quickfix'), []);
          });
        }

        it(`${file} (${eol}): each fix removes its finding and adds none`, () => {
          const all = lintStrict(text, options);
          const mine = all.filter((f) => f.ruleId === id);
          const before = countByRule(all);
          for (const finding of mine) {
            for (const fix of finding.fixes) {
              const after = applyFix(text, options, fix);
              assert.ok(after.text !== text || after.options !== options, `fix "${fix.title}" changes nothing`);
              const afterCounts = countByRule(lintStrict(after.text, after.options));
              assert.equal(afterCounts.get(id) ?? 0, (before.get(id) ?? 0) - 1, `fix "${fix.title}" must remove exactly its finding`);
              for (const [other, n] of afterCounts) {
                if (other !== id) assert.ok(n <= (before.get(other) ?? 0), `fix "${fix.title}" adds a ${other} finding`);
              }
            }
          }
        });

        it(`${file} (${eol}): fix-all is stable${expectedFixed !== null ? ' and gives the .fixed file' : ''}`, () => {
          const changesFiles = findingsOf(text, id, options).some((f) => f.fixes.some((x) => x.files?.length));
          if (changesFiles) {
            const once = fixAllWithContext(text, options, id);
            const twice = fixAllWithContext(once.text, once.options, id);
            assert.equal(twice.text, once.text, 'applying the fixes again changes the text');
            assert.deepEqual(twice.options, once.options, 'applying the fixes again changes the build context');
            if (expectedFixed !== null) assert.equal(once.text, eol === 'LF' ? expectedFixed : expectedFixed.replace(/\r?\n/g, '\r\n'));
            const ignorePath = path.join(dir, file.replace(/\.Dockerfile$/, '.fixed.dockerignore'));
            if (fs.existsSync(ignorePath)) assert.equal(once.options.context?.dockerignore?.text, fs.readFileSync(ignorePath, 'utf8'));
            assert.deepEqual(findingsOf(once.text, id, once.options).filter((f) => f.fixes.some((x) => x.kind === 'quickfix')), []);
            return;
          }
          const once = fixAll(text, options, (r) => r === id).text;
          const twice = fixAll(once, options, (r) => r === id).text;
          assert.equal(twice, once, 'applying the fixes again changes the text');
          if (expectedFixed !== null) {
            assert.equal(once, eol === 'LF' ? expectedFixed : expectedFixed.replace(/\r?\n/g, '\r\n'));
            assert.deepEqual(findingsOf(once, id, options).filter((f) => f.fixes.some((x) => x.kind === 'quickfix')), []);
          }
        });
      }
    }
  });
}
