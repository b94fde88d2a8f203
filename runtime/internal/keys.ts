// The SDK's API key: `alter_sk_<keyId>_<secret>` read and derived by protocol/keys.ts, held in an
// ApiKey whose derived keys only ever live in private fields:
// inspect, JSON and String() of an ApiKey show the key id alone.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readApiKey, type DerivedKeys } from "../../protocol/keys.js";
import { ProtocolError } from "../../protocol/errors.js";
import { inspect } from "node:util";
import { AlterValueError } from "../errors.js";

/** A parsed API key. Holds the secret privately; only `keyId` is public. */
export class ApiKey {
  readonly keyId: string;
  #keys: DerivedKeys;

  private constructor(keyId: string, keys: DerivedKeys) {
    this.keyId = keyId;
    this.#keys = keys;
  }

  /**
   * Parses `alter_sk_<keyId>_<secret>`. `where` names the source in errors (an option name or
   * an environment variable). Throws AlterValueError, whose message never contains the value.
   */
  static parse(value: unknown, where = "apiKey"): ApiKey {
    if (typeof value !== "string" || value === "") {
      throw new AlterValueError(`${where} is missing: pass an API key like alter_sk_<keyId>_<secret>`, "invalid_api_key");
    }
    try {
      const { keyId, keys } = readApiKey(value);
      return new ApiKey(keyId, keys);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      throw new AlterValueError(`${where} is not a valid API key: ${error.message}`, "invalid_api_key");
    }
  }

  /** The derived keys (secret material: do not log or serialise). */
  get derivedKeys(): DerivedKeys {
    return this.#keys;
  }

  toString(): string {
    return `ApiKey(${this.keyId})`;
  }

  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }

  [inspect.custom](): string {
    return `ApiKey { keyId: '${this.keyId}' }`;
  }
}

/** Same as `ApiKey.parse`. */
export function parseApiKey(value: unknown, where?: string): ApiKey {
  return ApiKey.parse(value, where);
}

/**
 * The optional Ed25519 request-signing key: a private KeyObject, or a PKCS#8 PEM string.
 * Throws AlterValueError (without the key) for anything else.
 */
export function parseSigningKey(value: unknown, where = "signingKey"): KeyObject {
  let key: KeyObject;
  if (typeof value === "string") {
    try {
      key = createPrivateKey({ key: value, format: "pem" });
    } catch {
      throw new AlterValueError(`${where} is not a PEM private key`, "invalid_signing_key");
    }
  } else if (value !== null && typeof value === "object" && (value as KeyObject).type === "private") {
    key = value as KeyObject;
  } else {
    throw new AlterValueError(`${where} must be an Ed25519 private KeyObject or PEM string`, "invalid_signing_key");
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new AlterValueError(`${where} must be an Ed25519 key (it is ${key.asymmetricKeyType ?? "not asymmetric"})`, "invalid_signing_key");
  }
  return key;
}
