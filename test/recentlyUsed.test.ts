import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentlyUsed } from '../shared/recentlyUsed';

const keys = (cache: RecentlyUsed<number>, all: string[]) => all.filter((k) => cache.get(k) !== undefined);

describe('RecentlyUsed', () => {
  it('drops the least recently inserted entries past the entry bound', () => {
    const cache = new RecentlyUsed<number>(3, Infinity);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) cache.set(k, i, 1);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('a'), undefined);
    assert.deepEqual(keys(cache, ['b', 'c', 'd']), ['b', 'c', 'd']);
  });

  it('keeps an entry that was read while it was among the oldest', () => {
    const cache = new RecentlyUsed<number>(4, Infinity);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) cache.set(k, i, 1);
    assert.equal(cache.get('a'), 0); // oldest: moved to the young end
    cache.set('e', 4, 1);
    cache.set('f', 5, 1);
    assert.equal(cache.get('a'), 0);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('c'), undefined);
  });

  it('keeps the last `bound` distinct keys used, after any sequence of reads and writes', () => {
    for (const bound of [4, 8, 9, 50]) {
      const cache = new RecentlyUsed<number>(bound, Infinity);
      const recent: string[] = []; // most recently used last
      const use = (key: string) => {
        if (recent.includes(key)) recent.splice(recent.indexOf(key), 1);
        recent.push(key);
        if (recent.length > bound) recent.shift();
      };
      let seed = bound;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let step = 0; step < 20_000; step++) {
        const key = `k${Math.floor(random() * bound * 2)}`;
        if (random() < 0.6) {
          if (cache.get(key) !== undefined) use(key);
        } else {
          cache.set(key, step, 1);
          use(key);
        }
        assert.ok(cache.size <= bound);
        for (const k of recent) assert.ok(cache.has(k), `bound ${bound}, step ${step}: ${k} was dropped`);
        assert.equal(cache.size, recent.length, `bound ${bound}, step ${step}: only what was used lately is kept`);
      }
    }
  });

  it('moves an entry read among the oldest, so a full cache keeps it', () => {
    const cache = new RecentlyUsed<number>(4, Infinity);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) cache.set(k, i, 1);
    cache.get('a');
    cache.set('e', 4, 1);
    cache.set('f', 5, 1);
    cache.set('g', 6, 1);
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'].filter((k) => cache.has(k)), ['a', 'e', 'f', 'g']);
  });

  it('drops entries past the weight bound but never the last one, and replacing an entry replaces its weight', () => {
    const cache = new RecentlyUsed<string>(100, 10);
    cache.set('a', 'x', 4);
    cache.set('b', 'y', 4);
    assert.equal(cache.weight, 8);
    cache.set('a', 'z', 2);
    assert.equal(cache.weight, 6);
    assert.equal(cache.get('a'), 'z');
    cache.set('c', 'w', 5);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.weight, 7);
    cache.set('huge', 'v', 50);
    assert.equal(cache.size, 1);
    assert.equal(cache.get('huge'), 'v');
    cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(cache.weight, 0);
  });
});
