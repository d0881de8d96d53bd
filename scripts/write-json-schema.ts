import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemas } from '../src/schemas.js';

// Writes the JSON Schema files the project ships, generated from the zod schemas the code uses.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const [name, schema] of Object.entries(jsonSchemas())) {
  const file = join(root, 'schema', `${name}.schema.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
}
