import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_KEY_LENGTH, memoByKey, memoByPair, memoByScript } from '../shared/memo';

describe('memoByKey', () => {
  it('computes once per key, and every time for keys too long to keep', () => {
    let calls = 0;
    const length = memoByKey((s: string) => s, (s: string) => { calls++; return s.length; });
    assert.equal(length('abc'), 3);
    assert.equal(length('abc'), 3);
    assert.equal(calls, 1);
    const long = 'x'.repeat(MAX_KEY_LENGTH + 1);
    assert.equal(length(long), MAX_KEY_LENGTH + 1);
    assert.equal(length(long), MAX_KEY_LENGTH + 1);
    assert.equal(calls, 3);
  });

  it('starts over when full', () => {
    let calls = 0;
    const double = memoByKey((n: number) => String(n), (n: number) => { calls++; return 2 * n; }, 2);
    double(1); double(2); double(3); // the third clears the first two
    double(3);
    assert.equal(calls, 3);
    double(1);
    assert.equal(calls, 4);
  });
});

describe('memoByScript', () => {
  it('computes once per script, with the shell of the first call', () => {
    const seen: number[] = [];
    const read = memoByScript((shell: { script: { id: number }; offset: number }) => { seen.push(shell.offset); return `${shell.script.id}@${shell.offset}`; });
    const a = { id: 1 };
    assert.equal(read({ script: a, offset: 10 }), '1@10');
    assert.equal(read({ script: a, offset: 20 }), '1@10');
    assert.equal(read({ script: { id: 2 }, offset: 30 }), '2@30');
    assert.deepEqual(seen, [10, 30]);
  });
});

describe('memoByPair', () => {
  it('computes once per pair of objects, null results included, and apart for each first or second key', () => {
    let calls = 0;
    const pair = memoByPair((a: { n: number }, b: { n: number }) => { calls++; return a.n === b.n ? null : a.n + b.n; });
    const [x, y, z] = [{ n: 1 }, { n: 2 }, { n: 1 }];
    assert.equal(pair(x, y), 3);
    assert.equal(pair(x, y), 3);
    assert.equal(pair(x, z), null);
    assert.equal(pair(x, z), null);
    assert.equal(calls, 2);
    assert.equal(pair(y, x), 3);
    assert.equal(calls, 3, 'the pair in the other order is another pair');
  });
});
