// Key-encryption keys (KEKs) for envelope encryption (envelope.ts): a keyring wraps each record's
// data key under its current KEK and unwraps a data key under whichever KEK it names, so the
// master key can change while instances serve: add the new KEK, make it current, rewrap (only the
// small wrapped keys change), then retire the old one. An interface, so a KMS or HSM can hold the
// KEKs later; the first implementation is the data folder's key files (folder-keyring.ts).

export interface Keyring {
  /** The KEK new data keys are wrapped under. */
  readonly currentId: string;
  /** Wraps a data key under the current KEK; `aad` binds it to its record. */
  wrap(dataKey: Buffer, aad: string): { kekId: string; wrapped: string };
  /** Unwraps a data key under the KEK `kekId`; throws when that KEK is unknown or the value was changed. */
  unwrap(kekId: string, wrapped: string, aad: string): Buffer;
}

/** What a KEK id may be (the ids this vault makes are `mk-` and 16 hex digits). */
export const KEK_ID = /^[A-Za-z0-9_-]{1,64}$/;
