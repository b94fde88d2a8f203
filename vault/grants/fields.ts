// `fields` secrets: a JSON object of named strings, for providers whose document requires several
// credentials at once (Trello: {"key": "…", "token": "…"}), each injected in its own place by a
// `multi` injection. Errors name fields, never values.
import { VaultError, VaultUsageError } from "../errors.js";
import type { Credential, FieldsCredential, Injection } from "../grant-types.js";

const FIELD = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_FIELDS = 16;

/** Parses `{"key": "…", "token": "…"}` (text or an object) into a fields credential. */
export function fieldsFromInput(value: unknown): FieldsCredential {
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new VaultUsageError('A fields secret is a JSON object of strings, e.g. {"key": "…", "token": "…"}; the value is not valid JSON.');
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new VaultUsageError("A fields secret must be a JSON object of strings.");
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || entries.length > MAX_FIELDS) throw new VaultUsageError(`A fields secret has 1 to ${MAX_FIELDS} fields.`);
  const out: Record<string, string> = {};
  for (const [name, v] of entries) {
    if (!FIELD.test(name)) throw new VaultUsageError(`The field name ${JSON.stringify(name.slice(0, 64))} of the fields secret must be 1-64 letters, digits, "_", "." or "-".`);
    if (typeof v !== "string" || v === "" || /[\r\n]/.test(v)) throw new VaultUsageError(`The field "${name}" of the fields secret must be a non-empty one-line string.`);
    out[name] = v;
  }
  return out;
}

/** A multi injection needs every field it names in the grant's secret: said before anything is sent. */
export function checkFieldsFor(injection: Injection, credential: Credential): void {
  if (injection.type !== "multi") return;
  const c = credential as Record<string, unknown>;
  const missing = injection.parts.map((p) => p.field).filter((f) => typeof c[f] !== "string" || c[f] === "");
  if (missing.length) {
    throw new VaultError("invalid_request", `The provider's injection needs the secret fields ${missing.map((f) => `"${f}"`).join(", ")}, which this grant's secret does not have (store a --type fields secret with them).`);
  }
}
