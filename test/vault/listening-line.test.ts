// The line `vault start` prints once it serves: the URL clients use, and behind --public-url also
// the socket it bound, so a supervisor that passed --port 0 learns the port. Admin commands then
// build redirect URIs on that public URL, on both engines.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { initVault } from "../support/vault-admin.js";
import { runVaultCli, startVaultCli } from "./cli-run.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("alter-listening-");
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  tmp.remove();
});

describe("the listening line", () => {
  it("names the public URL and the bound socket, which answers", async () => {
    const dataDir = join(tmp.dir, "data");
    await initVault({ dataDir, env: {} });
    const running = await startVaultCli(["--data", dataDir, "--port", "0", "--public-url", "https://vault.example.com"]);
    stops.push(running.stop);
    expect(running.url).toBe("https://vault.example.com");
    const m = /listening on https:\/\/vault\.example\.com \(socket 127\.0\.0\.1:(\d+)\)$/.exec(running.line);
    expect(m, running.line).not.toBeNull();
    expect((await fetch(`http://127.0.0.1:${m![1]}/v1/health`)).status).toBe(200);
    // Admin commands print redirect URIs under it: on SQLite the folder's lock file names it, on
    // PostgreSQL the database recorded it (another machine's folder would read the same).
    const shown = await runVaultCli(["oauth", "show", "github", "--data", dataDir]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ redirectUri: "https://vault.example.com/connect/callback/github", vaultRunning: true });
    expect(shown.stderr).not.toMatch(/not known here|No vault serves/);
  }, 60_000);
});
