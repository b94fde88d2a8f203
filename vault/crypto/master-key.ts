// The master key: 32 random bytes in <data>/master.key (mode 0600), or ALTER_VAULT_MASTER_KEY.
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, constants, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { VaultUsageError } from "../errors.js";
import { maskSecrets } from "../quote.js";

export const MASTER_KEY_ENV = "ALTER_VAULT_MASTER_KEY";
export const MASTER_KEY_FILE = "master.key";

export function masterKeyPath(dataDir: string): string {
  return join(dataDir, MASTER_KEY_FILE);
}

export function generateMasterKey(): Buffer {
  return randomBytes(32);
}

/** Accepts base64, base64url or hex encodings of exactly 32 bytes. */
export function decodeMasterKey(text: string, where: string): Buffer {
  const t = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) bytes = Buffer.from(t.replace(/\+/g, "-").replace(/\//g, "_").replace(/=$/, ""), "base64url");
  if (!bytes || bytes.length !== 32) {
    throw new VaultUsageError(
      `${where} does not hold a master key: expected 32 bytes encoded as base64url (43 characters) or hex (64 characters).`,
    );
  }
  return bytes;
}

export function encodeMasterKey(key: Buffer): string {
  return key.toString("base64url");
}

/**
 * Writes a key file atomically with mode 0600 (never world- or group-readable, even briefly) and
 * durably: the file and the folder entry are on disk when this returns, so data sealed under the
 * key afterwards can never outlive the key on an OS crash.
 */
export function writeMasterKeyFile(file: string, key: Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, encodeMasterKey(key) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  syncDir(dirname(file));
}

/** fsync of a folder, so a rename or a new file in it survives an OS crash (best effort). */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every platform can fsync a folder
  }
}

export interface LoadedMasterKey {
  key: Buffer;
  source: "env" | "file";
}

export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): LoadedMasterKey {
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== "") {
    return { key: decodeMasterKey(fromEnv, `The environment variable ${MASTER_KEY_ENV}`), source: "env" };
  }
  const file = masterKeyPath(dataDir);
  if (!existsSync(file)) {
    throw new VaultUsageError(
      `No master key: ${maskSecrets(file)} does not exist and ${MASTER_KEY_ENV} is not set. Run \`alter-gen vault init --data ${maskSecrets(dataDir)}\` first, or set ${MASTER_KEY_ENV}.`,
    );
  }
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new VaultUsageError(
      `${maskSecrets(file)} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${maskSecrets(file)}\` before starting the vault.`,
    );
  }
  return { key: decodeMasterKey(readFileSync(file, "utf8"), file), source: "file" };
}
