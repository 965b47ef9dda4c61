// Memoization for functions of immutable parsed objects. Parsed shell scripts (and their commands and
// words) are shared across lints through the RUN cache (shared/dockerfile.ts), so a result keyed by such
// an object is computed once per RUN text and survives edits elsewhere in the document. Only results that
// depend on nothing but the key may be cached this way; callers must not mutate what they get.

/** `compute` once per key object (kept as long as the key lives). */
export function memoByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key: K): V => {
    const known = cache.get(key);
    if (known !== undefined || cache.has(key)) return known as V;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}

/**
 * `compute` once per `keyOf(argument)`, a string holding everything `compute` reads from the argument
 * (for pure functions of small values such as image references); bounded.
 */
export function memoByKey<A, V>(keyOf: (argument: A) => string, compute: (argument: A) => V, limit = 10_000): (argument: A) => V {
  const cache = new Map<string, V>();
  return (argument: A): V => {
    const key = keyOf(argument);
    const known = cache.get(key);
    if (known !== undefined || cache.has(key)) return known as V;
    const value = compute(argument);
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
    return value;
  };
}
