// Fuzzing of the engine with a small, fixed-seed budget (the long run is `npm run fuzz`, scripts/fuzz.ts):
// the engine never throws, no rule crashes, each lint stays within 50 ms + 2 ms per KB, findings and fix
// edits stay inside the document and do not overlap, every fix leaves a file that parses and lints, and
// fix-all is idempotent. Also replays test/fixtures/fuzz-regressions (crashes and hangs found so far).
//
// FUZZ_RUNS / FUZZ_SEED override the random budget; FUZZ_TIME_SCALE multiplies the time budget (0: off).
// FUZZ_STRICT=1 turns the known (not yet fixed) issues of the regression files into failures.
import { strict as assert } from 'assert';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import * as fc from 'fast-check';
import {
  TEST_LIMITS,
  budgetMs,
  calibrate,
  checkText,
  isKnown,
  loadRegressions,
  loadSeeds,
  materialize,
  recipeArbitrary,
  warmUp,
  type Violation,
} from '../scripts/fuzz';
import { FIXTURES, loadEngine } from './helpers';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SCALE = Number(process.env.FUZZ_TIME_SCALE ?? 1);
/** SCALE times the machine calibration (>= 1: a slow or busy machine gets proportionally larger budgets). */
let TIME_SCALE = SCALE;
const STRICT = process.env.FUZZ_STRICT === '1';

const regressions = loadRegressions(path.join(FIXTURES, 'fuzz-regressions'));
const known = STRICT ? [] : regressions.flatMap((r) => (r.known ? [r.known] : []));
const seeds = loadSeeds();

function report(violations: Violation[]): string {
  return violations.map((v) => `${v.property}: ${v.detail}`).join('\n');
}

function assertClean(text: string, options: { maxFixes?: number } = {}): void {
  const { violations } = checkText(text, { timeScale: TIME_SCALE, maxFixes: options.maxFixes ?? 6 });
  const open = violations.filter((v) => !isKnown(v, known));
  assert.deepEqual(open, [], report(open));
}

before(async () => {
  await loadEngine();
  // JIT warm-up, so that first-call compilation does not count against the time budgets.
  warmUp(seeds.texts, 25);
  if (SCALE > 0) TIME_SCALE = SCALE * calibrate(seeds.texts, 5);
});

describe('fuzz: regression files', () => {
  it('there are regression files to replay', () => {
    assert.ok(regressions.length >= 3, 'test/fixtures/fuzz-regressions is empty');
  });

  for (const regression of regressions) {
    const todo = regression.known && !STRICT ? `known issue: ${regression.known.reason}` : undefined;
    it(`${regression.name}: ${regression.description.slice(0, 100)}`, { todo }, () => {
      // Known issues are only reported: one measurement is enough, and fixes are skipped when it is about time.
      const quick = todo !== undefined && [regression.known!.property].flat().includes('slow');
      const { violations } = checkText(regression.text, { timeScale: TIME_SCALE, maxFixes: quick ? 0 : 20, fixAll: !quick, retries: todo ? 0 : 2 });
      assert.deepEqual(violations, [], report(violations));
    });
  }
});

describe('fuzz: adversarial inputs named in the issue', () => {
  const FILE = 'FROM alpine:3.20\nRUN apk add --no-cache curl \\\n    && curl -fsSL https://example.com/install.sh | sh\nADD app.py /app/\nUSER root\nCMD ["python3", "/app/app.py"]\n';
  const cases: Array<[string, () => string]> = [
    ['a 1 MB RUN line', () => `FROM alpine:3.20\nRUN echo ${'x'.repeat(1 << 20)}\n`],
    ['a 512 KB ENV value made of URL-like pieces', () => `FROM alpine:3.20\nENV A=${'h://a:b@'.repeat(65_536)}\n`],
    ['a 200k-character RUN line of dotted words', () => `FROM alpine:3.20\nRUN curl ${'a.'.repeat(100_000)}\n`],
    ['5,000 line continuations', () => `FROM alpine:3.20\nRUN echo ${'a \\\n'.repeat(5_000)}b\n`],
    ['5,000 empty continuation lines', () => `FROM alpine:3.20\nRUN echo \\\n${'\\\n'.repeat(5_000)}b\n`],
    ['NUL characters', () => FILE.replace(/ /g, '\u0000 ').replace('alpine', 'alp\u0000ine')],
    ['a byte order mark', () => `\uFEFF${FILE}`],
    ['CR-only line endings', () => FILE.replace(/\n/g, '\r')],
    ['mixed line endings', () => FILE.split('\n').map((l, i) => l + ['\n', '\r\n', '\r'][i % 3]).join('')],
    ['an unterminated double quote', () => FILE.replace('| sh', '| sh "')],
    ['an unterminated single quote in exec form', () => FILE.replace('"/app/app.py"]', "'/app/app.py")],
    ['unterminated heredocs', () => `${FILE}RUN <<EOF\napt-get install -y curl\nCOPY <<'X' <<Y /dst/\n`],
    ['a heredoc opener at the end of the file', () => `${FILE}RUN <<`],
    ['non-ASCII text', () => `${FILE}LABEL descripción="café 🐳 中文 𝒳" \u202eevil\nRUN echo ü\u0301 ß İ \u2028 \u0085 done\n`],
    ['lone surrogates', () => `${FILE}RUN echo \ud800 \udc00x\nENV A=\udbff\n`],
    ['an escape directive with odd continuations', () => `# escape=\`\nFROM alpine:3.20\nRUN echo a \`\n  b \\\n  c\`\r\n`],
    ['the file cut in the middle of every instruction', () => FILE.slice(0, 37)],
  ];
  for (const [name, build] of cases) {
    it(name, () => {
      const text = build();
      // Big inputs: fewer fixes applied one by one (each is a lint of the whole text).
      assertClean(text, { maxFixes: text.length > 100_000 ? 1 : 4 });
    });
  }
});

describe('fuzz: seeded mutations of the corpus (fast-check)', () => {
  it(`${RUNS} cases from seed ${SEED}`, (t) => {
    t.diagnostic(`time budgets x${TIME_SCALE.toFixed(2)} (FUZZ_TIME_SCALE ${SCALE} times the machine calibration)`);
    assert.ok(seeds.texts.length > 0);
    let slowest = 0;
    fc.assert(
      fc.property(recipeArbitrary(seeds.texts.length, TEST_LIMITS), (recipe) => {
        const text = materialize(recipe, seeds.texts);
        const { violations, ms } = checkText(text, { timeScale: TIME_SCALE, maxFixes: 3 });
        slowest = Math.max(slowest, ms / budgetMs(text));
        const open = violations.filter((v) => !isKnown(v, known));
        assert.deepEqual(open, [], `${report(open)}\n(${text.length} chars; text: ${JSON.stringify(text.slice(0, 300))}...)`);
      }),
      // On a failure fast-check shrinks the recipe (fewer mutations, smaller numbers) and prints it with the seed.
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 120_000 },
    );
    assert.ok(slowest <= 1, `slowest case used ${(slowest * 100).toFixed(0)}% of its budget`);
  });
});
