// API keys (`alter_sk_<keyId>_<secret>`) and the three keys both sides derive from the secret
// (docs/protocol.md, "API keys and derived keys"), shared by the SDK (runtime/internal/keys.ts wraps them in
// ApiKey) and the vault (key creation). Derived keys hide themselves from inspect and JSON.
import { hkdfSync, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { ProtocolError } from "./errors.js";

export const API_KEY_PATTERN = /^alter_sk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const KEY_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const HKDF_SALT = Buffer.from("alter-gen/v1", "utf8");

/** The three 32-byte keys of the protocol. Secret: store them encrypted, never log them. */
export interface DerivedKeys {
  /** HMAC-SHA256 key of request signatures. */
  readonly requestSigning: Buffer;
  /** HMAC-SHA256 key of response signatures. */
  readonly responseSigning: Buffer;
  /** AES-256-GCM key of sealed values. */
  readonly credentialSealing: Buffer;
}

/** HKDF-SHA256 (RFC 5869) of the 32 secret bytes with salt `alter-gen/v1`. */
export function deriveKeys(secret: Uint8Array): DerivedKeys {
  if (secret.length !== 32) throw new ProtocolError("invalid_api_key", "an API key secret must be 32 bytes");
  const derive = (info: string): Buffer => Buffer.from(hkdfSync("sha256", secret, HKDF_SALT, info, 32));
  const keys = {};
  // Non-enumerable, with a redacting toJSON/inspect, so logging the object shows nothing secret.
  Object.defineProperties(keys, {
    requestSigning: { value: derive("request-signing") },
    responseSigning: { value: derive("response-signing") },
    credentialSealing: { value: derive("credential-sealing") },
    toJSON: { value: () => "[derived keys]" },
    [inspect.custom]: { value: () => "[derived keys]" },
  });
  return Object.freeze(keys as DerivedKeys);
}

/** Why a string is not an API key, without repeating any of it. */
function describeProblem(value: string): string {
  if (!value.startsWith("alter_sk_")) return "it does not start with alter_sk_";
  const rest = value.slice("alter_sk_".length);
  const sep = rest.indexOf("_");
  if (sep !== 16) return "the key id after alter_sk_ must be 16 characters followed by _";
  if (!/^[a-z0-9]{16}$/.test(rest.slice(0, 16))) return "the key id must be lower-case letters and digits";
  const secret = rest.slice(17);
  if (secret.length !== 43) return `the secret part must be 43 characters (it has ${secret.length})`;
  return "the secret part must be base64url characters";
}

/**
 * The key id and derived keys of `alter_sk_<keyId>_<secret>` (surrounding white space ignored).
 * Throws `ProtocolError("invalid_api_key")` saying what is wrong, never repeating the value.
 */
export function readApiKey(value: string): { keyId: string; keys: DerivedKeys } {
  const trimmed = value.trim();
  const match = API_KEY_PATTERN.exec(trimmed);
  if (match === null) throw new ProtocolError("invalid_api_key", describeProblem(trimmed));
  const encoded = match[2]!;
  const secret = Buffer.from(encoded, "base64url");
  // 43 characters carry 258 bits; a non-canonical last character would alias another key.
  if (secret.length !== 32 || secret.toString("base64url") !== encoded) {
    throw new ProtocolError("invalid_api_key", "the secret part is not canonical base64url");
  }
  const keys = deriveKeys(secret);
  secret.fill(0);
  return { keyId: match[1]!, keys };
}

export interface GeneratedApiKey {
  /** The full key, to be shown once to its owner and never stored. */
  readonly apiKey: string;
  readonly keyId: string;
  readonly keys: DerivedKeys;
}

/** A new random API key with its derived keys (the vault's `vault init` / key creation). */
export function generateApiKey(): GeneratedApiKey {
  let keyId = "";
  // Bytes >= 252 (7 * 36) are dropped so that every id character is uniformly distributed.
  while (keyId.length < 16) {
    for (const b of randomBytes(24)) {
      if (b < 252 && keyId.length < 16) keyId += KEY_ID_ALPHABET[b % 36];
    }
  }
  const secret = randomBytes(32);
  const apiKey = `alter_sk_${keyId}_${secret.toString("base64url")}`;
  const keys = deriveKeys(secret);
  secret.fill(0);
  const result = { keyId, keys } as GeneratedApiKey;
  // Non-enumerable so that logging the result by mistake does not print the key.
  Object.defineProperty(result, "apiKey", { value: apiKey, enumerable: false });
  return Object.freeze(result);
}
