// `vault start --tls-cert/--tls-key` against real TLS clients (Node's tls and the openssl
// command): only TLS 1.2 suites with ECDHE key exchange and an AEAD cipher, or TLS 1.3, are
// negotiated. A client that offers nothing else gets no connection.
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type SecureVersion } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initVault, startVault, type RunningVault } from "../../support/vault-admin.js";
import { tempDir } from "../helpers.js";

type KeyKind = "rsa" | "ecdsa";
const servers = new Map<KeyKind, { running: RunningVault; port: number; ca: Buffer; caFile: string }>();
let tmp: ReturnType<typeof tempDir>;

function makeCert(dir: string, kind: KeyKind): { cert: string; key: string } {
  const cert = join(dir, `${kind}-cert.pem`);
  const key = join(dir, `${kind}-key.pem`);
  const keyArgs = kind === "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  execFileSync("openssl", ["req", "-x509", ...keyArgs, "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  return { cert, key };
}

beforeAll(async () => {
  tmp = tempDir();
  for (const kind of ["rsa", "ecdsa"] as const) {
    const dataDir = join(tmp.dir, kind);
    await initVault({ dataDir, env: {} });
    const { cert, key } = makeCert(tmp.dir, kind);
    const running = await startVault({ dataDir, port: 0, tls: { certFile: cert, keyFile: key }, log: () => {} });
    servers.set(kind, { running, port: running.port, ca: readFileSync(cert), caFile: cert });
  }
}, 30_000);
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.running.close()));
  tmp.remove();
});

/** Node's TLS client offering only `cipher`; resolves the negotiated suite or the error code. */
function nodeClient(kind: KeyKind, cipher: string, version: SecureVersion): Promise<string> {
  const s = servers.get(kind)!;
  return new Promise((resolve) => {
    // Node takes TLS 1.3 suites (TLS_…) in the same `ciphers` list.
    const socket = connect({ host: "127.0.0.1", port: s.port, ca: s.ca, minVersion: version, maxVersion: version, ciphers: cipher }, () => {
      resolve(socket.getCipher().name);
      socket.end();
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(`refused (${e.code ?? e.message})`));
  });
}

/** `openssl s_client` offering only `cipher`; resolves the negotiated suite or "refused". */
function opensslClient(kind: KeyKind, cipher: string, version: "tls1_2" | "tls1_3"): Promise<string> {
  const s = servers.get(kind)!;
  const offer = version === "tls1_3" ? ["-ciphersuites", cipher] : ["-cipher", cipher];
  return new Promise((resolve) => {
    const child = execFile("openssl", ["s_client", "-connect", `127.0.0.1:${s.port}`, `-${version}`, ...offer, "-CAfile", s.caFile, "-brief"], { timeout: 10_000 }, (_err, stdout, stderr) => {
      const m = /Ciphersuite: (\S+)/.exec(stdout + stderr);
      resolve(m ? m[1]! : "refused");
    });
    child.stdin?.end();
  });
}

// [key, suite offered (OpenSSL name), TLS version, negotiated or refused]
const TLS12: [KeyKind, string, "refused" | "accepted"][] = [
  ["rsa", "AES128-SHA", "refused"], // RSA key exchange, CBC, SHA-1 MAC: no forward secrecy
  ["rsa", "AES256-SHA256", "refused"],
  ["rsa", "AES128-GCM-SHA256", "refused"], // AEAD, but RSA key exchange: no forward secrecy
  ["rsa", "AES256-GCM-SHA384", "refused"],
  ["rsa", "ECDHE-RSA-AES128-SHA", "refused"], // forward secret, but CBC
  ["rsa", "ECDHE-RSA-AES256-SHA384", "refused"],
  ["ecdsa", "ECDHE-ECDSA-AES128-SHA", "refused"],
  ["ecdsa", "ECDHE-ECDSA-AES256-SHA384", "refused"],
  ["rsa", "ECDHE-RSA-AES128-GCM-SHA256", "accepted"],
  ["rsa", "ECDHE-RSA-AES256-GCM-SHA384", "accepted"],
  ["rsa", "ECDHE-RSA-CHACHA20-POLY1305", "accepted"],
  ["ecdsa", "ECDHE-ECDSA-AES128-GCM-SHA256", "accepted"],
  ["ecdsa", "ECDHE-ECDSA-CHACHA20-POLY1305", "accepted"],
];

describe("TLS 1.2 suites", () => {
  it.each(TLS12)("%s certificate, a client offering only %s: %s", async (kind, suite, want) => {
    const [node, openssl] = await Promise.all([nodeClient(kind, suite, "TLSv1.2"), opensslClient(kind, suite, "tls1_2")]);
    if (want === "accepted") {
      expect(node).toBe(suite);
      expect(openssl).toBe(suite);
    } else {
      expect(node).toMatch(/^refused/);
      expect(openssl).toBe("refused");
    }
  });
});

describe("TLS 1.3 and older versions", () => {
  it.each(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])("TLS 1.3 %s is accepted", async (suite) => {
    expect(await opensslClient("rsa", suite, "tls1_3")).toBe(suite);
    expect(await nodeClient("ecdsa", suite, "TLSv1.3")).toBe(suite);
  });

  it.each(["TLSv1", "TLSv1.1"] as const)("%s is refused", async (version) => {
    expect(await nodeClient("rsa", "ALL:@SECLEVEL=0", version)).toMatch(/^refused/);
  });
});
