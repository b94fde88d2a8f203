// `vault idp set` asks before a switch leaves grants orphaned: on a terminal it asks (answered
// through a real pseudo-terminal from `script`), with --yes it goes ahead, and with neither it
// refuses with one paragraph saying what would happen and how to agree.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerVaultCommands } from "../../../vault/cli/index.js";
import { addManagedSecret, getIdp, initVault, issueGrant, listGrants, removeIdp, setIdp } from "../../support/vault-admin.js";
import { engineEnv, engineFlags } from "../../support/vault-engine.js";
import { startIdp, type TestIdp } from "../../support/idp.js";
import { ROOT } from "../cli-run.js";

let first: TestIdp;
let second: TestIdp;
let dataDir: string;

beforeAll(async () => {
  [first, second] = await Promise.all([startIdp({ users: [{ sub: "alice" }] }), startIdp({ users: [{ sub: "alice" }] })]);
  dataDir = await mkdtemp(join(tmpdir(), "alter-idp-switch-"));
  await initVault({ dataDir, env: {} });
  await setIdp({ dataDir, issuer: first.issuer, audience: "app" });
  const s = await addManagedSecret({ dataDir, provider: "github", value: "ghp_SWITCH_CANARY" });
  await issueGrant({ dataDir, secretId: s.id, principal: "user:alice" });
  await removeIdp({ dataDir });
}, 60_000);
afterAll(async () => {
  await Promise.all([first?.close(), second?.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

/** In-process, with standard input not a terminal (as in CI or a pipe). */
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

/** The CLI on a pseudo-terminal; `answer` is typed at the question. Output is the terminal's. */
function onTerminal(args: string[], answer: string): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, "--import", "tsx", join(ROOT, "cli/entry.ts"), "vault", ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: ROOT, env: { ...process.env, ALTER_VAULT_MASTER_KEY: "", ...engineEnv(dataDir) } });
  let screen = "";
  let answered = false;
  child.stdout.on("data", (d: Buffer) => {
    screen += d.toString();
    if (!answered && screen.includes("[y/N]")) {
      answered = true;
      child.stdin.write(answer + "\r");
    }
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, screen })));
}

const setSecond = () => ["idp", "set", "--issuer", second.issuer, "--audience", "app"];

describe("vault idp set, when the switch would orphan grants", () => {
  it("without a terminal and without --yes: refuses, says what and how, changes nothing", async () => {
    const r = await run(...setSecond());
    expect(r.error?.exitCode).toBe(2);
    expect(r.error?.message).toContain(`Setting the IDP to ${second.issuer} leaves 1 grant bound to identities of other issuers (1 user grant of ${first.issuer})`);
    expect(r.error?.message).toMatch(/Standard input is not a terminal, so nobody could be asked: pass --yes/);
    expect(await getIdp({ dataDir })).toBeUndefined();
  });

  it("on a terminal, answering no: asks, then changes nothing", async () => {
    const r = await onTerminal([...setSecond(), "--data", dataDir], "n");
    expect(r.screen).toContain("leaves 1 grant bound to identities of other issuers");
    expect(r.screen).toContain(`Switch the IDP to ${second.issuer} anyway? [y/N]`);
    expect(r.screen).toContain("The IDP was not changed");
    expect(r.code).toBe(2);
    expect(await getIdp({ dataDir })).toBeUndefined();
  }, 60_000);

  it("on a terminal, answering yes: switches", async () => {
    const r = await onTerminal([...setSecond(), "--data", dataDir], "y");
    expect(r.screen).toContain(`IDP set: issuer ${second.issuer}`);
    expect(r.code).toBe(0);
    expect((await getIdp({ dataDir }))?.issuer).toBe(second.issuer);
  }, 60_000);

  it("lists the orphaned grant with its issuer, and revoke-orphaned asks the same way", async () => {
    const listed = await run("grants", "list", "--orphaned");
    expect(listed.out).toMatch(/ISSUER/);
    expect(listed.out).toContain(first.issuer);
    expect(listed.out).toContain("active (orphaned)");
    const refused = await run("grants", "revoke-orphaned");
    expect(refused.error?.message).toMatch(/1 grant\(s\) belong to users and groups of another issuer.*pass --yes/);
    const done = await run("grants", "revoke-orphaned", "--yes");
    expect(done.out).toMatch(/Revoked 1 orphaned grant\(s\): [0-9a-f-]{36}\./);
    expect(await listGrants({ dataDir, orphaned: true })).toEqual([]);
  });

  it("with --yes: switches without asking; idp remove says what stays bound", async () => {
    const s = await addManagedSecret({ dataDir, provider: "github", value: "ghp_SWITCH_CANARY_2" });
    await issueGrant({ dataDir, secretId: s.id, principal: "group:eng" });
    const removed = await run("idp", "remove");
    expect(removed.out).toContain(`IDP ${second.issuer} removed. 1 grant(s) stay bound to its users and groups`);
    const r = await run("idp", "set", "--issuer", first.issuer, "--audience", "app", "--yes");
    expect(r.error).toBeNull();
    expect(r.out).toContain(`IDP set: issuer ${first.issuer}`);
  });
});
