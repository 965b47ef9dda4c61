// Data-driven checks of every rule against its fixtures, in LF and CRLF, with fix round-trips.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { RULES } from '../shared/rules';
import { applyEdits } from '../shared/textDocument';
import { fixAll } from '../shared/engine';
import type { Finding, LintOptions } from '../shared/types';
import { FIXTURES, findingsOf, formatRange, lintStrict, loadEngine } from './helpers';

const EXPECT = /^# expect: (\d+:\d+-\d+:\d+)\s*$/gm;
const OPTIONS = /^# options: (.+)$/m;

function countByRule(findings: Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return counts;
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
              const after = applyEdits(text, fix.edits);
              assert.notEqual(after, text, `fix "${fix.title}" changes nothing`);
              const afterCounts = countByRule(lintStrict(after, options));
              assert.equal(afterCounts.get(id) ?? 0, (before.get(id) ?? 0) - 1, `fix "${fix.title}" must remove exactly its finding`);
              for (const [other, n] of afterCounts) {
                if (other !== id) assert.ok(n <= (before.get(other) ?? 0), `fix "${fix.title}" adds a ${other} finding`);
              }
            }
          }
        });

        it(`${file} (${eol}): fix-all is stable${expectedFixed !== null ? ' and gives the .fixed file' : ''}`, () => {
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
