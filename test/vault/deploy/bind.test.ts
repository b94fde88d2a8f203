// `vault start --host`: plain HTTP only on loopback unless --insecure-http says otherwise (then
// with a warning); any address with --tls-cert/--tls-key.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initVault, startVault } from "../../support/vault-admin.js";
import { isLoopbackHost } from "../../../vault/admin/bind.js";
import { tempDir } from "../helpers.js";
import { runVaultCli, startVaultCli } from "../cli-run.js";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let cert: string;
let key: string;
beforeAll(async () => {
  tmp = tempDir();
  dataDir = join(tmp.dir, "data");
  await initVault({ dataDir, env: {} });
  cert = join(tmp.dir, "cert.pem");
  key = join(tmp.dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", key, "-out", cert], { stdio: "ignore" });
});
afterAll(() => tmp.remove());

describe("which addresses count as loopback", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["[::1]", true],
    ["localhost", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.0.2.10", false],
    ["::ffff:127.0.0.1", true],
  ])("%s: %s", async (host, loopback) => {
    expect(await isLoopbackHost(host)).toBe(loopback);
  });
});

describe("startVault", () => {
  it.each(["0.0.0.0", "::"])("refuses plain HTTP on %s, naming both ways out", async (host) => {
    await expect(startVault({ dataDir, host, port: 0 })).rejects.toThrow(/--host .* is not a loopback address.*--tls-cert and --tls-key.*--insecure-http/);
  });

  it("serves plain HTTP on every interface with insecureHttp, and says so", async () => {
    const running = await startVault({ dataDir, host: "0.0.0.0", port: 0, insecureHttp: true });
    try {
      expect(running.plainHttpExposed).toBe(true);
      const health = await fetch(`http://127.0.0.1:${running.port}/v1/health`);
      expect(health.status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("serves HTTPS on every interface without any flag", async () => {
    const running = await startVault({ dataDir, host: "0.0.0.0", port: 0, tls: { certFile: cert, keyFile: key } });
    try {
      expect(running.plainHttpExposed).toBe(false);
      expect(running.url).toMatch(/^https:/);
    } finally {
      await running.close();
    }
  });
});

describe("vault start (CLI)", () => {
  it("refuses --host 0.0.0.0 without TLS: exit 2, one paragraph", async () => {
    const r = await runVaultCli(["start", "--data", dataDir, "--port", "0", "--host", "0.0.0.0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--host 0\.0\.0\.0 is not a loopback address.*--insecure-http/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).not.toMatch(/listening/);
  });

  it("with --insecure-http it listens and prints a warning", async () => {
    const v = await startVaultCli(["--data", dataDir, "--port", "0", "--host", "0.0.0.0", "--insecure-http"]);
    try {
      expect(v.stderr()).toMatch(/WARNING: serving plain HTTP on 0\.0\.0\.0 \(--insecure-http\)/);
    } finally {
      expect(await v.stop()).toBe(0);
    }
  });

  it("on loopback it prints no warning", async () => {
    const v = await startVaultCli(["--data", dataDir, "--port", "0"]);
    try {
      // On PostgreSQL the one line it prints names the database and the instance's audit chain.
      const lines = v.stderr().split("\n").filter((l) => l !== "" && !/^alter vault: serving the PostgreSQL database .* as audit chain /.test(l));
      expect(lines).toEqual([]);
    } finally {
      await v.stop();
    }
  });
});
