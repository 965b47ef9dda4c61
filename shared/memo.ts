// Memoization for functions of immutable parsed objects. Parsed shell scripts (and their commands and
// words) are shared across lints through the RUN cache (shared/dockerfile.ts), so a result keyed by such
// an object is computed once per RUN text and survives edits elsewhere in the document. Only results that
// depend on nothing but the key may be cached this way; callers must not mutate what they get.

// Results live on the key object itself, in a hidden array with one slot per memoized function: a WeakMap
// lookup per call was 4-7% of a lint (rules ask for the same command's reading many times), and thousands of
// WeakMap entries make every garbage collection slower. The property is non-enumerable, so spreading or
// comparing a key does not copy or see it.
const SLOTS = Symbol('dockerfile-seguro.memo');
/** Stands for a computed `undefined`, so that an empty slot means "not computed". */
const UNDEFINED = Symbol('undefined');
let slotCount = 0;

interface Memoizable {
  [SLOTS]?: unknown[];
}

/** `compute` once per key object (kept as long as the key lives). */
export function memoByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const slot = slotCount++;
  const frozen = new WeakMap<K, V>(); // keys that cannot take the hidden property
  return (key: K): V => {
    let slots = (key as Memoizable)[SLOTS];
    if (slots === undefined) {
      if (!Object.isExtensible(key)) {
        if (frozen.has(key)) return frozen.get(key) as V;
        const value = compute(key);
        frozen.set(key, value);
        return value;
      }
      slots = [];
      Object.defineProperty(key, SLOTS, { value: slots, enumerable: false, writable: false, configurable: false });
    }
    const known = slots[slot];
    if (known !== undefined) return (known === UNDEFINED ? undefined : known) as V;
    const value = compute(key);
    slots[slot] = value === undefined ? UNDEFINED : value;
    return value;
  };
}

/** `compute` once per pair of key objects (kept as long as the first lives), e.g. per model and stage. */
export function memoByPair<A extends object, B extends object, V>(compute: (a: A, b: B) => V): (a: A, b: B) => V {
  const byFirst = memoByObject((_a: A) => new Map<B, V>());
  return (a: A, b: B): V => {
    const known = byFirst(a);
    if (known.has(b)) return known.get(b) as V;
    const value = compute(a, b);
    known.set(b, value);
    return value;
  };
}

/**
 * `compute` once per parsed script, for functions of a RUN's shell (its script and the source it was parsed
 * from, which the RUN cache keeps together: one script per source text) whose results are at offsets relative
 * to the source. The first shell seen with a script is the one computed with; its offset must not matter.
 */
export function memoByScript<S extends { script: object }, V>(compute: (shell: S) => V): (shell: S) => V {
  let current: S;
  const memo = memoByObject((_script: object) => compute(current));
  return (shell: S): V => {
    current = shell;
    return memo(shell.script);
  };
}

/**
 * `compute` once per `keyOf(argument)`, a string holding everything `compute` reads from the argument
 * (for pure functions of small values such as image references and paths); bounded by entries, and keys over
 * MAX_KEY_LENGTH characters (pathological input: a 1 MB FROM line) are computed every time rather than kept.
 */
export function memoByKey<A, V>(keyOf: (argument: A) => string, compute: (argument: A) => V, limit = 10_000): (argument: A) => V {
  const cache = new Map<string, V>();
  return (argument: A): V => {
    const key = keyOf(argument);
    if (key.length > MAX_KEY_LENGTH) return compute(argument);
    const known = cache.get(key);
    if (known !== undefined || cache.has(key)) return known as V;
    const value = compute(argument);
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
    return value;
  };
}

/** Longest key memoByKey keeps: 10,000 entries of it are 20 MB at most. */
export const MAX_KEY_LENGTH = 1_000;
