import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_KEY_LENGTH, memoByKey, memoByObjectWith } from '../shared/memo';

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

describe('memoByObjectWith', () => {
  it('computes once per key object with the context of the first call', () => {
    const seen: string[] = [];
    const read = memoByObjectWith((key: { id: number }, context: string) => { seen.push(context); return `${key.id}:${context}`; });
    const a = { id: 1 };
    assert.equal(read(a, 'first'), '1:first');
    assert.equal(read(a, 'second'), '1:first');
    assert.equal(read({ id: 2 }, 'third'), '2:third');
    assert.deepEqual(seen, ['first', 'third']);
  });
});
