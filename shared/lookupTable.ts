// Constant tables looked up by text from the user's file or config (command names, variable names, label keys,
// file names): in an object literal `table[key]` finds Object.prototype's members for `constructor`, `toString`
// or `__proto__` (`RUN constructor` made sixteen rules throw). A table made here has no prototype, so a lookup
// finds its own entries only, and stays a plain property read (a generic own-entry check at every lookup cost
// ~1% of a cold lint).

/** The entries in an object without a prototype. */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
