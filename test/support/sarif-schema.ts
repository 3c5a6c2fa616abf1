// The official SARIF 2.1.0 schema (vendored in test/schema/, JSON Schema draft-04) as a validator.
import { readFileSync } from 'node:fs';
import Ajv04 from 'ajv-draft-04';

const schema = JSON.parse(readFileSync(new URL('../schema/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
// A CommonJS module: its exports object is the default import, and its class is also `.default`.
const ajv = new Ajv04.default({ strict: false, allErrors: true });
// ajv-formats is not a dependency; these checks are enough to catch a relative base URI or a
// path with characters a URI reference cannot hold.
ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s));
ajv.addFormat('uri-reference', (s: string) => /^[^\s\\]*$/.test(s));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

/** Schema violations of a SARIF log, empty when it validates. */
export function schemaErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
