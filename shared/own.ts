// Lookups in constant tables by text from the user's file or config (command names, variable names, label
// keys, file names): `table[key]` would find Object.prototype's members for `constructor`, `toString` or
// `__proto__` (`RUN constructor` made sixteen rules throw).

/** The table's own entry for `key`, or undefined. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
