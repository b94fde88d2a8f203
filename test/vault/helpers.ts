// Test support for the vault suites: a fresh data folder and a running vault on loopback, and a
// hand-rolled signer (runtime/signing.ts + keys.ts) whose output tests can tamper with.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { request, type Dispatcher } from "undici";
import { initVault, startVault, type RunningVault, type StartOptions } from "../../vault/index.js";
import { ApiKey } from "../../runtime/keys.js";
import { signMessage, verifyMessage } from "../../runtime/signing.js";
import { createContentDigest, verifyContentDigest } from "../../runtime/digest.js";
import { unseal } from "../../runtime/seal.js";

export interface TestVault {
  dataDir: string;
  apiKey: string;
  keyId: string;
  appId: string;
  url: string;
  running: RunningVault;
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
  return {
    dataDir,
    apiKey: init.apiKey,
    keyId: init.keyId,
    appId: init.appId,
    url: running.url,
    running,
    async close() {
      await running.close();
      tmp.remove();
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
  /** Key used to sign (defaults to the API key's request-signing key). */
  signingKey?: Uint8Array;
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
  const components =
    spec.components ??
    ["@method", "@target-uri", "content-digest", ...(body !== undefined ? ["content-type"] : []), ...(spec.userToken !== undefined ? ["alter-user-token"] : [])];
  const created = spec.created ?? nowSec();
  const nonce = spec.nonce ?? randomBytes(16).toString("base64url");
  const signed = signMessage(
    { method: spec.method, url: spec.url, headers },
    {
      label: "alter",
      components,
      params: { created, expires: spec.expires ?? created + 60, nonce, keyid: spec.keyid ?? key.keyId, alg: "hmac-sha256" },
      key: { alg: "hmac-sha256", key: spec.signingKey ?? key.derivedKeys.requestSigning },
    },
  );
  headers["signature-input"] = signed.signatureInput;
  headers.signature = signed.signature;
  return { method: spec.method, url: spec.url, headers, body, nonce };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  json: any;
}

/** Sends exactly these headers (undici adds only Host, from the URL unless given). */
export async function send(
  r: SignedRequest,
  override: Partial<Pick<SignedRequest, "method" | "url" | "body">> & { headers?: Record<string, string>; dispatcher?: Dispatcher } = {},
): Promise<RawResponse> {
  const res = await request(override.url ?? r.url, {
    method: (override.method ?? r.method) as never,
    headers: override.headers ?? r.headers,
    body: override.body ?? r.body ?? null,
    ...(override.dispatcher ? { dispatcher: override.dispatcher } : {}),
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
  let json: any;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers, body, json };
}

/** Checks the vault's response signature the way the SDK must (throws SignatureError). */
export function verifyResponse(apiKey: string, req: SignedRequest, res: RawResponse, sentHeaders = req.headers): void {
  const key = ApiKey.parse(apiKey);
  verifyContentDigest(res.headers["content-digest"], res.body);
  verifyMessage(
    { status: res.status, headers: res.headers, request: { method: req.method, url: req.url, headers: sentHeaders } },
    {
      label: "alter",
      exactComponents: ["@status", "content-digest", "content-type", '"@method";req', '"@target-uri";req', '"signature";req;key="alter"'],
      resolveKey: () => ({ alg: "hmac-sha256", key: key.derivedKeys.responseSigning }),
    },
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
