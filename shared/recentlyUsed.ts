// A least-recently-used cache bounded by entries and by a weight (characters), for the caches that every lint
// reads for every RUN and instruction: shell parses, RUN shells and instruction tokens.

interface Slot<V> {
  value: V;
  weight: number;
  /** When it was last put at the young end of the map (a count of such moves). */
  stamp: number;
}

/**
 * A Map keeps insertion order, so its first entry is the least recently used one as long as a hit moves its
 * entry to the end (a delete and an insert). Only entries in the older half are moved: an entry with fewer than
 * size / 2 insertions after it cannot be near the end that eviction takes from, and most hits are of entries read
 * at the previous lint, which saves the two map operations on each (re-linting 5,000 lines made ~2,000 of them).
 */
export class RecentlyUsed<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private stamp = 0;
  private total = 0;

  constructor(private readonly maxEntries: number, private readonly maxWeight: number) {}

  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (this.stamp - slot.stamp > this.slots.size / 2) {
      this.slots.delete(key);
      slot.stamp = ++this.stamp;
      this.slots.set(key, slot);
    }
    return slot.value;
  }

  /** Whether `key` is cached, without counting as a use. */
  has(key: string): boolean {
    return this.slots.has(key);
  }

  /** Adds (or replaces) an entry, then drops the least recently used ones while over a bound (never the last one). */
  set(key: string, value: V, weight: number): void {
    const old = this.slots.get(key);
    if (old !== undefined) {
      this.slots.delete(key);
      this.total -= old.weight;
    }
    this.slots.set(key, { value, weight, stamp: ++this.stamp });
    this.total += weight;
    while (this.slots.size > this.maxEntries || (this.total > this.maxWeight && this.slots.size > 1)) {
      const [oldestKey, oldest] = this.slots.entries().next().value as [string, Slot<V>];
      this.slots.delete(oldestKey);
      this.total -= oldest.weight;
    }
  }

  clear(): void {
    this.slots.clear();
    this.total = 0;
  }

  get size(): number {
    return this.slots.size;
  }

  /** The sum of the entries' weights. */
  get weight(): number {
    return this.total;
  }
}
