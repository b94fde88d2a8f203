// Test support for the vault suites: a fresh data folder and a running vault on loopback, and a
// hand-rolled signer (protocol/signing.ts + keys.ts) whose output tests can tamper with.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { request, type Dispatcher } from "undici";
import { initVault, startVault, type RunningVault, type StartOptions } from "../support/vault-admin.js";
import { databaseOf, dropVaultDatabase, type VaultDatabase } from "../support/vault-engine.js";
import { ApiKey } from "../../runtime/internal/keys.js";
import { signMessage, type SignatureAlgorithm } from "../../protocol/signing.js";
import { createContentDigest } from "../../protocol/digest.js";
import { unseal } from "../../protocol/seal.js";
import { REQUEST_TAG } from "../../protocol/rules.js";
import { verifyVaultAnswer } from "../../runtime/internal/signed-exchange.js";

export interface TestVault {
  dataDir: string;
  apiKey: string;
  keyId: string;
  appId: string;
  url: string;
  running: RunningVault;
  /** The vault's own PostgreSQL database when the run is on PostgreSQL (test/support/vault-engine.ts). */
  database: VaultDatabase | undefined;
  close(): Promise<void>;
}

export function tempDir(prefix = "alter-vault-"): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startTestVault(opts: Omit<StartOptions, "dataDir" | "port"> = {}): Promise<TestVault> {
  const tmp = tempDir();
  const dataDir = join(tmp.dir, "data");
  const init = await initVault({ dataDir, env: {} });
  const running = await startVault({ dataDir, port: 0, ...opts });
  const database = databaseOf(dataDir);
  return {
    dataDir,
    apiKey: init.apiKey,
    keyId: init.keyId,
    appId: init.appId,
    url: running.url,
    running,
    database,
    async close() {
      await running.close();
      tmp.remove();
      if (database) await dropVaultDatabase(database);
    },
  };
}

export interface SignSpec {
  method: string;
  url: string;
  /** JSON-serialised unless a Buffer/string. */
  body?: unknown;
  contentType?: string;
  userToken?: string;
  created?: number;
  expires?: number;
  nonce?: string;
  keyid?: string;
  components?: string[];
  /** More headers to send (and to cover, when listed in `components`). */
  extraHeaders?: Record<string, string>;
  /** The `tag` parameter; null leaves it out. @default REQUEST_TAG */
  tag?: string | null;
  /** The `alg` parameter; null leaves it out. @default "hmac-sha256" */
  alg?: string | null;
  /** Key used to sign (defaults to the API key's request-signing key, HMAC). */
  signingKey?: Uint8Array | { alg: SignatureAlgorithm; key: import("node:crypto").KeyObject };
}

export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  nonce: string;
}

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

export function sign(apiKey: string, spec: SignSpec): SignedRequest {
  const key = ApiKey.parse(apiKey);
  const body =
    spec.body === undefined ? undefined : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(typeof spec.body === "string" ? spec.body : JSON.stringify(spec.body));
  const headers: Record<string, string> = { "content-digest": createContentDigest(body ?? "") };
  if (body !== undefined) headers["content-type"] = spec.contentType ?? "application/json";
  if (spec.userToken !== undefined) headers["alter-user-token"] = spec.userToken;
  Object.assign(headers, spec.extraHeaders);
  const components =
    spec.components ??
    ["@method", "@target-uri", "content-digest", ...(body !== undefined ? ["content-type"] : []), ...(spec.userToken !== undefined ? ["alter-user-token"] : [])];
  const created = spec.created ?? nowSec();
  const nonce = spec.nonce ?? randomBytes(16).toString("base64url");
  const signingKey =
    spec.signingKey === undefined || spec.signingKey instanceof Uint8Array
      ? { alg: "hmac-sha256" as const, key: spec.signingKey ?? key.derivedKeys.requestSigning }
      : spec.signingKey;
  const alg = spec.alg === undefined ? signingKey.alg : (spec.alg ?? undefined);
  const tag = spec.tag === undefined ? REQUEST_TAG : (spec.tag ?? undefined);
  const signed = signMessage(
    { method: spec.method, url: spec.url, headers },
    {
      label: "alter",
      components,
      params: { created, expires: spec.expires ?? created + 60, nonce, keyid: spec.keyid ?? key.keyId, alg, tag },
      key: signingKey,
    },
  );
  headers["signature-input"] = signed.signatureInput;
  headers.signature = signed.signature;
  return { method: spec.method, url: spec.url, headers, body, nonce };
}

export interface RawResponse {
  status: number;
  /** Header lines of one field joined with ", " (see `lines` for them apart). */
  headers: Record<string, string>;
  /** The headers as undici hands them over: a field on several lines is an array. */
  lines: Record<string, string | string[]>;
  body: Buffer;
  json: any;
}

/** Sends exactly these headers (undici adds only Host, from the URL unless given). */
export async function send(
  r: SignedRequest,
  override: Partial<Pick<SignedRequest, "method" | "url" | "body">> & { headers?: Record<string, string | string[]>; dispatcher?: Dispatcher } = {},
): Promise<RawResponse> {
  const res = await request(override.url ?? r.url, {
    method: (override.method ?? r.method) as never,
    headers: override.headers ?? r.headers,
    body: override.body ?? r.body ?? null,
    ...(override.dispatcher ? { dispatcher: override.dispatcher } : {}),
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  const headers: Record<string, string> = {};
  const lines: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
    lines[k] = v;
  }
  let json: any;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers, lines, body, json };
}

/**
 * Checks the vault's answer exactly as the SDK does (runtime/internal/signed-exchange.ts): throws
 * SignatureError. `res.lines` may be edited to play a man in the middle.
 */
export function verifyResponse(apiKey: string, req: SignedRequest, res: RawResponse, sentHeaders = req.headers): void {
  const key = ApiKey.parse(apiKey);
  const created = Number(/;created=(\d+)/.exec(sentHeaders["signature-input"] ?? "")?.[1] ?? 0);
  verifyVaultAnswer(
    { status: res.status, headers: res.lines, body: res.body },
    { method: req.method, url: req.url, created, nonce: req.nonce, signature: sentHeaders.signature ?? "" },
    key.keyId,
    key.derivedKeys.responseSigning,
  );
}

export function unsealFor<T>(apiKey: string, nonce: string, sealed: unknown): T {
  return unseal<T>(sealed, ApiKey.parse(apiKey).derivedKeys.credentialSealing, nonce);
}

/** Signs and sends a JSON request in one go. */
export async function call(v: TestVault, method: string, path: string, body?: unknown, extra: Partial<SignSpec> = {}): Promise<RawResponse & { req: SignedRequest }> {
  const req = sign(v.apiKey, { method, url: v.url + path, body, ...extra });
  const res = await send(req);
  return { ...res, req };
}
