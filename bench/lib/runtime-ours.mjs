// Our side of the runtime benchmark: the local vault that (d) calls through, and the CPU per call
// of the runtime's own work.
// Everything is loaded from dist/ (the built package), the way an installed alter-gen runs.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startChildServer } from "./child-server.mjs";
import { ROOT } from "./env.mjs";

const notes = [];
const closers = [];

export function notesOf() {
  return notes;
}
export { notesOf as notes };

export async function closeAll() {
  for (const c of closers.reverse()) {
    try {
      await c();
    } catch {
      /* best effort at the end of a benchmark */
    }
  }
}

/**
 * A real local vault in its own process: init a data folder, point the github provider at the
 * loopback stand-in, store the provider token as a managed secret, issue a system grant for it.
 * Returns what contender (d) needs to call through it: `{ baseUrl, apiKey, grantId }`.
 */
export async function startLocalVault({ importDist, providerOrigin, token, log }) {
  const admin = await importDist("vault/index.js");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "bench-vault-"));
  closers.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // A throwaway master key for a throwaway vault; admin calls read it from the environment.
  const masterKey = randomBytes(32).toString("base64url");
  process.env.ALTER_VAULT_MASTER_KEY = masterKey;
  const init = await admin.initVault({ dataDir, masterKey });
  const host = new URL(providerOrigin).host;
  await admin.setProviderConfig({ dataDir, provider: "github", baseUrl: providerOrigin, hosts: [host] });
  const secret = await admin.addManagedSecret({ dataDir, provider: "github", value: token, label: "bench" });
  const grant = await admin.issueGrant({ dataDir, secretId: secret.id, principal: "system", label: "bench" });

  const server = await startChildServer(path.join(ROOT, "bench/lib/vault-server.mjs"), [path.join(ROOT, "dist"), dataDir], {
    env: { ...process.env, ALTER_VAULT_MASTER_KEY: masterKey },
  });
  closers.push(() => server.close());
  log(`local vault (pid ${server.pid}) at http://127.0.0.1:${server.port}`);
  notes.push("- (d) is one vault round trip (signed `POST /v1/credentials/retrieve`, sealed credential, audit row in SQLite) plus the provider call; the vault runs as its own process, so three processes share the 2 cores.");
  return { baseUrl: `http://127.0.0.1:${server.port}`, apiKey: init.apiKey, grantId: grant.grantId };
}

/**
 * CPU per call of what the runtime adds around a provider call in retrieve mode, step by step,
 * through the functions the transport itself calls (dist/runtime/internal/signed-exchange.js): sign the
 * vault request (Content-Digest + RFC 9421 HMAC signature with its tag), verify the vault's
 * signed response (tag, components incl. alter-* headers, window, digest, then JSON), open the
 * sealed credential, and inject it into the provider request after the host check.
 */
export async function cpuPerCall({ importDist, iterations, providerOrigin, targetPath, token, log }) {
  const exchange = await importDist("runtime/internal/signed-exchange.js");
  const protocol = await importDist("protocol/rules.js");
  const signing = await importDist("protocol/signing.js");
  const digest = await importDist("protocol/digest.js");
  const seal = await importDist("protocol/seal.js");
  const creds = await importDist("protocol/injection.js");
  const keys = await importDist("protocol/keys.js");

  const key = keys.generateApiKey();
  const { requestSigning, responseSigning, credentialSealing } = key.keys;
  const signer = { keyId: key.keyId, key: { alg: "hmac-sha256", key: requestSigning } };
  const vaultUrl = "http://127.0.0.1:7788/v1/credentials/retrieve";
  const providerUrl = `${providerOrigin}${targetPath}`;
  const providerHost = new URL(providerUrl).host;
  const requestBody = Buffer.from(
    JSON.stringify({
      grant: { grantId: "grt_0123456789abcdef" },
      provider: "github",
      request: { operationId: "repos/get", method: "GET", url: providerUrl },
      context: { caller: "bench", callerType: "service", operationId: "repos/get", sdkVersion: "0.1.0", reason: "benchmark" },
    }),
  );

  function signRequest() {
    const headers = { accept: "application/json", "user-agent": "alter-gen-runtime" };
    return exchange.signVaultRequest({ method: "POST", url: vaultUrl, body: requestBody, userToken: undefined }, signer, headers);
  }

  // One vault response, signed the way the vault signs it (vault/http/respond.ts), outside the timed loops.
  const req = signRequest();
  const sealed = seal.seal({ token }, credentialSealing, req.nonce);
  const responseBody = Buffer.from(
    JSON.stringify({
      grantId: "grt_0123456789abcdef",
      provider: "github",
      account: "octocat",
      credential: sealed,
      injection: { type: "bearer" },
      hosts: [providerHost],
      expiresAt: null,
      auditId: "aud_0123456789",
    }),
  );
  const resHeaders = { "content-type": "application/json", "content-digest": digest.createContentDigest(responseBody) };
  const resSigned = signing.signMessage(
    { status: 200, headers: resHeaders, request: { method: req.method, url: req.url, headers: { signature: req.signature } } },
    {
      label: protocol.SIGNATURE_LABEL,
      components: protocol.responseComponents(protocol.protocolHeaderNames(resHeaders)),
      params: { created: Math.floor(Date.now() / 1000), keyid: key.keyId, alg: protocol.RESPONSE_ALG, tag: protocol.RESPONSE_TAG },
      key: { alg: "hmac-sha256", key: responseSigning },
    },
  );
  resHeaders["signature-input"] = resSigned.signatureInput;
  resHeaders.signature = resSigned.signature;
  const answer = { status: 200, headers: resHeaders, body: responseBody };

  function verifyResponse() {
    exchange.verifyVaultAnswer(answer, req, key.keyId, responseSigning);
    return JSON.parse(responseBody.toString("utf8"));
  }
  const parsed = verifyResponse();
  function openAndInject() {
    const credential = seal.unseal(parsed.credential, credentialSealing, req.nonce);
    const url = new URL(providerUrl);
    if (!parsed.hosts.includes(url.host)) throw new Error("host not allowed");
    return creds.injectCredential(parsed.injection, credential, { method: "GET", url: providerUrl, headers: { accept: "application/json" }, body: null });
  }
  if (openAndInject().headers.authorization !== `Bearer ${token}`) throw new Error("injection self-check failed");

  const steps = [
    ["sign the vault request (Content-Digest + tagged HMAC signature)", signRequest],
    ["verify the vault response (tag, alter-* coverage, window, digest, signature bound to the request; JSON)", verifyResponse],
    ["open the sealed credential, check the host, inject (bearer)", openAndInject],
  ];
  const rows = [];
  for (const [label, fn] of steps) {
    for (let i = 0; i < Math.min(2000, iterations); i++) fn(); // warm-up (JIT)
    const t0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn();
    const d = process.cpuUsage(t0);
    rows.push({ label, us: (d.user + d.system) / iterations });
    log(`cpu: ${label}: ${rows.at(-1).us.toFixed(1)} µs`);
  }
  rows.push({ label: "**total added per call**", us: rows.reduce((s, r) => s + r.us, 0), total: true });
  notes.push("- CPU steps call the transport's own functions (dist/runtime/internal/signed-exchange, dist/protocol/seal, injection), with a response signed as the vault signs it.");
  return rows;
}
