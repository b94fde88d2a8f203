// The identity and OAuth command groups, run through commander in-process against a data folder
// and the real test IDP: output on success, one clear paragraph (exit code 2) on bad input.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerVaultCommands } from "../../../vault/cli/index.js";
import { initVault, startVault } from "../../support/vault-admin.js";
import { engineFlags, onPostgres } from "../../support/vault-engine.js";
import { startIdp, type TestIdp } from "../../support/idp.js";

const SECRET = "cli-idp-secret-CANARY-0c9d";
let idp: TestIdp;
let dataDir: string;

beforeAll(async () => {
  idp = await startIdp({ users: [{ sub: "alice" }] });
  dataDir = await mkdtemp(join(tmpdir(), "alter-idp-cli-"));
  await initVault({ dataDir, env: {} });
});
afterAll(async () => {
  await idp?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs `alter-gen vault …args`; returns what it printed, or the CommanderError it ended with. */
async function run(...args: string[]): Promise<{ out: string; error: CommanderError | null }> {
  const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerVaultCommands(program);
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["vault", ...args, "--data", dataDir, ...engineFlags(dataDir)], { from: "user" });
    return { out, error: null };
  } catch (e) {
    if (e instanceof CommanderError) return { out, error: e };
    throw e;
  } finally {
    process.stdout.write = write;
  }
}

describe("vault idp / users / oauth commands", () => {
  it("idp set discovers the issuer and keeps the client secret out of every output", async () => {
    process.env.IDP_CLI_SECRET = SECRET;
    const set = await run("idp", "set", "--issuer", idp.issuer, "--client-id", "alter-app", "--client-secret-from-env", "IDP_CLI_SECRET");
    expect(set.error).toBeNull();
    expect(set.out).toContain(`IDP set: issuer ${idp.issuer}, audience alter-app`);
    const show = await run("idp", "show");
    expect(show.out).toMatch(/client secret set/);
    expect(show.out).toContain(`${idp.issuer}/jwks`);
    expect(show.out).toMatch(/device grant +not offered \(headless sign-in prints the login URL\)\n/);
    expect(set.out + show.out).not.toContain(SECRET);
  });

  it("idp set takes --audience repeatedly (an MCP server's URL beside the client id)", async () => {
    const set = await run("idp", "set", "--issuer", idp.issuer, "--client-id", "alter-app", "--audience", "http://127.0.0.1:7/mcp", "--audience", "https://b.example.test/mcp");
    expect(set.error).toBeNull();
    expect(set.out).toContain("audiences http://127.0.0.1:7/mcp, alter-app, https://b.example.test/mcp,");
    expect((await run("idp", "show")).out).toMatch(/audiences +http:\/\/127\.0\.0\.1:7\/mcp, alter-app, https:\/\/b\.example\.test\/mcp\n/);
    await run("idp", "set", "--issuer", idp.issuer, "--client-id", "alter-app");
    expect((await run("idp", "show")).out).toMatch(/audiences +alter-app\n/);
  });

  it("refuses a second issuer with a message saying what to do", async () => {
    const r = await run("idp", "set", "--issuer", "http://127.0.0.1:9", "--client-id", "x");
    expect(r.error?.exitCode).toBe(2);
    expect(r.error?.message).toMatch(/one IDP per app.*vault idp remove/);
  });

  it("names the flag in errors", async () => {
    const secretAsValue = await run("idp", "set", "--issuer", idp.issuer, "--client-id", "a", "--client-secret-from-env", "not a var name");
    expect(secretAsValue.error?.message).toMatch(/--client-secret-from-env takes the name of an environment variable/);
    const method = await run("oauth", "set", "github", "--auth-method", "private_key_jwt");
    expect(method.error?.message).toMatch(/--auth-method must be client_secret_post or client_secret_basic/);
    const url = await run("oauth", "set", "github", "--token-url", "http://token.example.test/token");
    expect(url.error?.message).toMatch(/--token-url must be an https URL/);
    const unknown = await run("oauth", "set", "nosuch", "--token-url", "https://example.test/token");
    expect(unknown.error?.message).toMatch(/Unknown provider "nosuch"/);
    const nobody = await run("users", "remove", "nobody");
    expect(nobody.error?.message).toMatch(/No user with subject "nobody"/);
  });

  it("oauth set stores overrides that oauth show prints", async () => {
    const set = await run("oauth", "set", "github", "--token-url", idp.endpoints.token, "--auth-method", "client_secret_basic");
    expect(set.error).toBeNull();
    const show = await run("oauth", "show", "github");
    expect(JSON.parse(show.out)).toMatchObject({ tokenUrl: idp.endpoints.token, authMethod: "client_secret_basic", authorizeUrl: null });
  });

  it("providers set/list and oauth show print the redirect URI each provider must register", async () => {
    process.env.GH_CLI_SECRET = "gh-cli-secret-CANARY-3e1f";
    const set = await run("providers", "set", "github", "--client-id", "gh-app", "--client-secret-from-env", "GH_CLI_SECRET");
    // No server runs on this folder: the default local address.
    expect(set.out).toContain("Redirect URI to register at github: http://127.0.0.1:7420/connect/callback/github");
    const list = await run("providers", "list");
    expect(list.out).toMatch(/REDIRECT URI/);
    expect(list.out).toContain("http://127.0.0.1:7420/connect/callback/github");
    expect(JSON.parse((await run("oauth", "show", "github")).out)).toMatchObject({
      callback: "per-provider",
      redirectUri: "http://127.0.0.1:7420/connect/callback/github",
    });
    expect(set.out).toMatch(onPostgres() ? /On PostgreSQL the address the vault's instances are reached at is not known here \(no instance was started with --public-url/ : /No vault serves this data folder now/);
    expect(set.out + list.out).not.toContain("gh-cli-secret-CANARY-3e1f");
    // With a server running, its address. On PostgreSQL no lock file in the folder names a running
    // instance (several may serve one database, from other machines): the default address stays.
    const server = await startVault({ dataDir, port: 0 });
    try {
      const expected = onPostgres()
        ? { redirectUri: "http://127.0.0.1:7420/connect/callback/github", vaultRunning: false }
        : { redirectUri: `${server.url}/connect/callback/github`, vaultRunning: true };
      expect(JSON.parse((await run("oauth", "show", "github")).out)).toMatchObject(expected);
    } finally {
      await server.close();
    }
  });

  it("oauth set --issuer reads the server's metadata; --callback switches the redirect URI", async () => {
    expect((await run("oauth", "set", "github", "--issuer", idp.issuer)).error).toBeNull();
    // oidc-provider declares authorization_response_iss_parameter_supported (RFC 9207).
    expect(JSON.parse((await run("oauth", "show", "github")).out)).toMatchObject({ issuer: idp.issuer, issParameterSupported: true });
    const shared = await run("oauth", "set", "github", "--callback", "shared");
    expect(shared.out).toContain("Redirect URI to register at github: http://127.0.0.1:7420/connect/callback\n");
    expect((await run("oauth", "set", "github", "--callback", "per-provider")).out).toContain("/connect/callback/github");
    const sideways = await run("oauth", "set", "github", "--callback", "sideways");
    expect(sideways.error?.message).toMatch(/--callback must be per-provider or shared, not "sideways"/);
    const unreachable = await run("oauth", "set", "github", "--issuer", "http://127.0.0.1:9");
    expect(unreachable.error?.message).toMatch(/github's authorization server metadata \(http:\/\/127\.0\.0\.1:9\) could not be reached/);
    const query = await run("oauth", "set", "github", "--issuer", `${idp.issuer}?x=1`);
    expect(query.error?.message).toMatch(/--issuer must have no query or fragment/);
    const requireWithout = await run("oauth", "set", "slack", "--require-iss");
    expect(requireWithout.error?.message).toMatch(/--require-iss needs the provider's issuer/);
  });

  it("idp remove, then users list", async () => {
    expect((await run("idp", "remove")).out).toMatch(/IDP http:\/\/127\.0\.0\.1:\d+ removed\./);
    expect((await run("idp", "remove")).out).toMatch(/No IDP was configured/);
    expect(JSON.parse((await run("users", "list", "--json")).out)).toEqual([]);
  });
});
