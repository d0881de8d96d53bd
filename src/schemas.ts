import { z } from 'zod';
import { ChangelogEntry, FailureRecord } from './changelog/schema.js';
import { DevlogDocument } from './devlog/schema.js';

/** The JSON Schemas shipped in `schema/`, generated from the zod schemas every write goes through. */
export function jsonSchemas(): Record<string, unknown> {
  return {
    devlog: z.toJSONSchema(DevlogDocument, { target: 'draft-2020-12' }),
    'changelog-entry': z.toJSONSchema(ChangelogEntry, { target: 'draft-2020-12' }),
    'changelog-failure': z.toJSONSchema(FailureRecord, { target: 'draft-2020-12' }),
  };
}
