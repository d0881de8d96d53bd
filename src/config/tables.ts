/** A TOML table as smol-toml parses it, or a parsed config: dotted keys address its values. */
export interface TomlTable {
  [key: string]: unknown;
}

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a dotted key; undefined when any part of the path is missing. */
export function getPath(table: unknown, key: string): unknown {
  let v: unknown = table;
  for (const p of key.split('.')) v = isTable(v) ? v[p] : undefined;
  return v;
}

/** Sets the value at a dotted key, making the tables on the way. */
export function setPath(target: TomlTable, key: string, value: string | number | boolean): void {
  const parts = key.split('.');
  let t = target;
  for (const p of parts.slice(0, -1)) {
    const next = t[p];
    if (isTable(next)) t = next;
    else {
      const created: TomlTable = {};
      t[p] = created;
      t = created;
    }
  }
  t[parts[parts.length - 1] as string] = value;
}

export function deletePath(table: TomlTable, key: string): void {
  const parts = key.split('.');
  let t: unknown = table;
  for (const p of parts.slice(0, -1)) t = isTable(t) ? t[p] : undefined;
  if (isTable(t)) delete t[parts[parts.length - 1] as string];
}

/** Every dotted key path to a non-table value. */
export function leafKeys(table: TomlTable, prefix = ''): string[] {
  return Object.entries(table).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return isTable(v) ? leafKeys(v, key) : [key];
  });
}
