// `vault init`: data folder, master key, database, the app and its first API key.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateApiKey } from "../../protocol/keys.js";
import { AtRest } from "../crypto/at-rest.js";
import { decodeMasterKey, generateMasterKey, MASTER_KEY_ENV, masterKeyPath, writeMasterKeyFile } from "../crypto/master-key.js";
import { writeMasterKeyCheck } from "../crypto/key-check.js";
import { writeNewKeyState } from "../crypto/kek-state.js";
import { openDatabase } from "../storage/db.js";
import { loadSqlite } from "../storage/sqlite.js";
import { sqliteStore } from "../storage/store/index.js";
import { DEFAULT_SCOPES } from "../keys/scopes.js";
import { AuditWriter } from "../audit/writer.js";
import { openAuditWriter } from "../audit/open.js";
import { VaultUsageError } from "../errors.js";
import { DB_FILE } from "../state.js";
import { DEFAULT_DATA_DIR } from "./open.js";
import { maskSecrets } from "../quote.js";

export interface InitOptions {
  dataDir?: string;
  /** A master key to use (base64url/hex of 32 bytes, or the bytes). Not written to disk. */
  masterKey?: string | Uint8Array;
  appName?: string;
  env?: NodeJS.ProcessEnv;
}

export interface InitResult {
  appId: string;
  keyId: string;
  /** The full API key: shown once, stored nowhere. */
  apiKey: string;
  dataDir: string;
  masterKeySource: "file" | "env" | "option";
}

export async function initVault(opts: InitOptions = {}): Promise<InitResult> {
  const dir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const env = opts.env ?? process.env;
  // A missing or unbuilt better-sqlite3 fails here, with the fix, before anything is written.
  loadSqlite();
  if (existsSync(join(dir, DB_FILE))) {
    throw new VaultUsageError(`${maskSecrets(dir)} already holds a vault (${DB_FILE}); use another --data folder or remove it first.`);
  }
  const createdDir = mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  try {
    return await createVault(dir, env, opts, written);
  } catch (error) {
    // Never leave a half-made data folder that blocks the next `vault init`.
    for (const file of written) rmSync(file, { force: true });
    if (createdDir) rmSync(createdDir, { recursive: true, force: true });
    throw error;
  }
}

async function createVault(dir: string, env: NodeJS.ProcessEnv, opts: InitOptions, written: string[]): Promise<InitResult> {
  let key: Buffer;
  let source: InitResult["masterKeySource"];
  if (opts.masterKey !== undefined) {
    key = typeof opts.masterKey === "string" ? decodeMasterKey(opts.masterKey, "The masterKey option") : Buffer.from(opts.masterKey);
    if (key.length !== 32) throw new VaultUsageError("The masterKey option must be 32 bytes.");
    source = "option";
  } else if (env[MASTER_KEY_ENV]) {
    key = decodeMasterKey(env[MASTER_KEY_ENV]!, `The environment variable ${MASTER_KEY_ENV}`);
    source = "env";
  } else {
    if (existsSync(masterKeyPath(dir))) throw new VaultUsageError(`${maskSecrets(masterKeyPath(dir))} already exists; remove it or init another folder.`);
    key = generateMasterKey();
    written.push(masterKeyPath(dir));
    writeMasterKeyFile(masterKeyPath(dir), key);
    source = "file";
  }
  const crypto = new AtRest(key);
  key.fill(0);
  // The database only holds sealed secrets, but nobody else needs to read it either.
  written.push(...["", "-wal", "-shm", "-journal"].map((suffix) => join(dir, DB_FILE + suffix)));
  closeSync(openSync(join(dir, DB_FILE), "a", 0o600));
  chmodSync(join(dir, DB_FILE), 0o600);
  const db = openDatabase(join(dir, DB_FILE));
  try {
    const now = Date.now();
    const generated = generateApiKey();
    const store = sqliteStore(db, crypto);
    // The key check, the app, its first key and the audit row commit together or not at all.
    const app = await store.sql.transaction(async (tx) => {
      await writeMasterKeyCheck(tx, crypto);
      await writeNewKeyState(tx, crypto, now);
      const app = await store.apps.create(opts.appName ?? "default", now, undefined, tx);
      // The first key is the operator's own service key: every scope (vault/keys/scopes.ts).
      await store.apiKeys.insert({ id: generated.keyId, appId: app.id, label: "initial", derived: generated.keys, kind: "service", scopes: DEFAULT_SCOPES.service }, now, tx);
      new AuditWriter(db).write({
        action: "admin",
        outcome: "success",
        appId: app.id,
        keyId: generated.keyId,
        caller: "alter-gen vault",
        callerType: "service",
        details: { command: "init" },
      });
      return app;
    });
    // The first checkpoint, attesting the row above (audit/open.ts).
    openAuditWriter(dir, db, crypto).close();
    return { appId: app.id, keyId: generated.keyId, apiKey: generated.apiKey, dataDir: dir, masterKeySource: source };
  } finally {
    db.close();
  }
}
