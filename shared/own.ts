// Lookups in constant tables by text from the user's file or config (command names, variable names, label
// keys, file names): `table[key]` would find Object.prototype's members for `constructor`, `toString` or
// `__proto__` (`RUN constructor` made sixteen rules throw).

/** The table's own entry for `key`, or undefined. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  const value = table[key];
  // (most lookups miss: only a hit pays for the own-property check)
  return value === undefined || Object.prototype.hasOwnProperty.call(table, key) ? value : undefined;
}
