// A least-recently-used cache bounded by entries and by a weight (characters), for the caches that every lint
// reads for every RUN and instruction: shell parses, RUN shells, instruction tokens and stage reports.

interface Entry<V> {
  key: string;
  value: V;
  weight: number;
  /** The entries used just after and just before this one (the sentinel at both ends of the ring). */
  newer: Entry<V>;
  older: Entry<V>;
}

/**
 * A Map from key to entry, and the entries in a ring ordered by use: the sentinel's `older` is the most recently
 * used entry, its `newer` the least recently used one, which eviction takes.
 *
 * Not the Map's own insertion order: a Map keeps deleted entries as holes until it grows or is rebuilt, and
 * finding its first live entry walks over them. Evicting one entry per insertion from a full cache that way cost
 * ~20 µs per insertion with 60,000 entries (holes pile up at the front), several milliseconds of a cold lint.
 */
export class RecentlyUsed<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly sentinel: Entry<V>;
  private total = 0;

  constructor(private readonly maxEntries: number, private readonly maxWeight: number) {
    const sentinel = { key: '', value: undefined, weight: 0 } as unknown as Entry<V>;
    sentinel.newer = sentinel;
    sentinel.older = sentinel;
    this.sentinel = sentinel;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.sentinel.older !== entry) {
      this.unlink(entry);
      this.linkNewest(entry);
    }
    return entry.value;
  }

  /** Whether `key` is cached, without counting as a use. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Adds (or replaces) an entry, then drops the least recently used ones while over a bound (never the last one). */
  set(key: string, value: V, weight: number): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.unlink(old);
      this.total -= old.weight;
    }
    const entry = { key, value, weight } as Entry<V>;
    this.linkNewest(entry);
    this.entries.set(key, entry);
    this.total += weight;
    while (this.entries.size > this.maxEntries || (this.total > this.maxWeight && this.entries.size > 1)) {
      const oldest = this.sentinel.newer;
      this.unlink(oldest);
      this.entries.delete(oldest.key);
      this.total -= oldest.weight;
    }
  }

  clear(): void {
    this.entries.clear();
    this.sentinel.newer = this.sentinel;
    this.sentinel.older = this.sentinel;
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The sum of the entries' weights. */
  get weight(): number {
    return this.total;
  }

  private unlink(entry: Entry<V>): void {
    entry.newer.older = entry.older;
    entry.older.newer = entry.newer;
  }

  /** Puts `entry` at the most recently used end (just before the sentinel). */
  private linkNewest(entry: Entry<V>): void {
    const sentinel = this.sentinel;
    entry.older = sentinel.older;
    entry.newer = sentinel;
    sentinel.older.newer = entry;
    sentinel.older = entry;
  }
}
