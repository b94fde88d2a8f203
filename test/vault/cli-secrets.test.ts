// No vault command that takes a secret ever prints one: every such command (vault/cli/: secrets
// add, secrets policy, grants issue, keys create/scopes, oauth set, approvals, providers set, idp
// set, rotate-master-key, init, start, and ALTER_VAULT_MASTER_KEY for all of them) is run with a
// canary secret in every wrong place a person could put it: as the environment variable's name,
// as a positional argument, as another flag's value, as a flag, in a file path, as the master key.
// Whatever the command answers, success or refusal, its stdout and stderr hold neither the canary
// nor a piece of it. Runs go through the CLI's real entry
// (cli/main.ts main), in this process so the table stays fast; the stdin rows spawn it.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { initVault } from "../support/vault-admin.js";
import { startIdp, type TestIdp } from "../support/idp.js";
import { tempDir } from "./helpers.js";
import { dataFlag, runVaultCli } from "./cli-run.js";
import { engineEnv } from "../support/vault-engine.js";

/** Realistic shapes of credentials people paste: each row below uses one, in turn. */
const CANARIES = [
  "ghp_CaNaRy0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P",
  "xoxb-112233445566-778899001122-CaNaRyAbCdEfGhIjKlMnOpQr",
  "sk_live_51CaNaRyQwErTyUiOpAsDfGhJkLzXcVbNm",
  "wJalrCaNaRyUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "AKIACANARY7EXAMPLE42",
  "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.CaNaRySiGnAtUrE0123456789xyz",
  "alter_sk_canary0123456789_Q2FuYXJ5IHNlY3JldCBmb3IgdGhlIENMSSB0ZXN0IDAx",
  "e72e16c7e42f292c6912e7710c838347ae17cafe",
];

let tmp: ReturnType<typeof tempDir>;
let data: string;
let idp: TestIdp;

beforeAll(async () => {
  tmp = tempDir("alter-cli-secrets-");
  data = join(tmp.dir, "data");
  await initVault({ dataDir: data, env: {} });
  idp = await startIdp({ users: [{ sub: "alice" }] });
}, 60_000);
afterAll(async () => {
  await idp?.close();
  tmp.remove();
});

interface Run {
  code: number;
  output: string;
}

/** `alter-gen vault …args` in this process, with `env` set for the run; stdout and stderr together. */
async function vault(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let output = "";
  const capture = (chunk: string | Uint8Array) => {
    output += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  };
  const saved = { out: process.stdout.write, err: process.stderr.write, env: { ...process.env } };
  // On the postgres project the folder's database URL, as the operator's environment holds it.
  Object.assign(process.env, { ALTER_VAULT_MASTER_KEY: "" }, engineEnv(dataFlag(args)), env);
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    const code = await main(["vault", ...args], { stdout: capture, stderr: capture, cwd: tmp.dir });
    return { code, output };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const k of Object.keys(process.env)) if (!(k in saved.env)) delete process.env[k];
    Object.assign(process.env, saved.env);
  }
}

type Place = (secret: string) => { args: string[]; env?: Record<string, string>; code: 0 | 2 };

const d = () => ["--data", data];
const badPath = (secret: string) => join(tmp.dir, secret, "x.pem");
const HELD = "CLI_SECRET_HELD"; // a variable that holds the canary, for the "right place" rows

// [command, wrong place, what the command does with it]
const cases: [string, string, Place][] = [
  ["secrets add", "as the variable name of --from-env", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", s], code: 2 })],
  ["secrets add", "as a positional argument", (s) => ({ args: ["secrets", "add", s, ...d(), "--provider", "github", "--from-env", HELD], env: { [HELD]: "x" }, code: 2 })],
  ["secrets add", "as --provider", (s) => ({ args: ["secrets", "add", ...d(), "--provider", s, "--from-env", HELD], env: { [HELD]: "x" }, code: 2 })],
  ["secrets add", "as --type", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", HELD, "--type", s], env: { [HELD]: "x" }, code: 2 })],
  ["secrets add", "as --label", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", HELD, "--label", s], env: { [HELD]: "x" }, code: 2 })],
  ["secrets add", "as a flag", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", `--${s}`], code: 2 })],
  ["secrets add", "as --from-env=<secret>", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", `--from-env=${s}`], code: 2 })],
  ["secrets add", "in the --data path", (s) => ({ args: ["secrets", "add", "--data", join(tmp.dir, s), "--provider", "github", "--from-env", HELD], env: { [HELD]: "x" }, code: 2 })],
  ["secrets add", "as ALTER_VAULT_MASTER_KEY", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", HELD], env: { [HELD]: "x", ALTER_VAULT_MASTER_KEY: s }, code: 2 })],
  ["secrets add", "in the variable, as a malformed basic pair", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "jira", "--type", "basic", "--from-env", HELD], env: { [HELD]: s }, code: 2 })],
  ["secrets add", "in the variable, as a malformed aws pair", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "aws", "--type", "aws", "--from-env", HELD], env: { [HELD]: `{${s}` }, code: 2 })],
  ["secrets add", "in the variable, with another flag wrong", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "Git Hub", "--from-env", HELD], env: { [HELD]: s }, code: 2 })],
  ["secrets add", "in the variable (the right place)", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", HELD, "--label", "ok"], env: { [HELD]: s }, code: 0 })],
  ["providers set", "as the variable name of --client-secret-from-env", (s) => ({ args: ["providers", "set", "github", ...d(), "--client-secret-from-env", s], code: 2 })],
  ["providers set", "as the provider id", (s) => ({ args: ["providers", "set", s, ...d(), "--client-id", "cid"], code: 2 })],
  ["providers set", "as an extra positional argument", (s) => ({ args: ["providers", "set", "github", s, ...d(), "--client-id", "cid"], code: 2 })],
  ["providers set", "as --client-id", (s) => ({ args: ["providers", "set", "github", ...d(), "--client-id", s], code: 0 })],
  ["providers set", "as --base-url", (s) => ({ args: ["providers", "set", "github", ...d(), "--base-url", s], code: 2 })],
  ["providers set", "in the --base-url path", (s) => ({ args: ["providers", "set", "github", ...d(), "--base-url", `https://api.example.test/${s}`], code: 0 })],
  ["providers set", "as --hosts", (s) => ({ args: ["providers", "set", "github", ...d(), "--hosts", s], code: 2 })],
  ["providers set", "as a flag", (s) => ({ args: ["providers", "set", "github", ...d(), `--${s}`], code: 2 })],
  ["providers set", "as ALTER_VAULT_MASTER_KEY", (s) => ({ args: ["providers", "set", "github", ...d(), "--client-id", "cid"], env: { ALTER_VAULT_MASTER_KEY: s }, code: 2 })],
  ["providers set", "in the variable (the right place)", (s) => ({ args: ["providers", "set", "github", ...d(), "--client-id", "cid", "--client-secret-from-env", HELD], env: { [HELD]: s }, code: 0 })],
  ["idp set", "as the variable name of --client-secret-from-env", (s) => ({ args: ["idp", "set", ...d(), "--issuer", idp.issuer, "--client-id", "app", "--client-secret-from-env", s], code: 2 })],
  ["idp set", "as --issuer", (s) => ({ args: ["idp", "set", ...d(), "--issuer", s, "--client-id", "app"], code: 2 })],
  ["idp set", "in the --issuer URL", (s) => ({ args: ["idp", "set", ...d(), "--issuer", `http://127.0.0.1:9/${s}`, "--client-id", "app"], code: 2 })],
  ["idp set", "as --audience", (s) => ({ args: ["idp", "set", ...d(), "--issuer", idp.issuer, "--audience", s], code: 0 })],
  ["idp set", "as --client-id", (s) => ({ args: ["idp", "set", ...d(), "--issuer", idp.issuer, "--client-id", s], code: 0 })],
  ["idp set", "as --groups-claim", (s) => ({ args: ["idp", "set", ...d(), "--issuer", idp.issuer, "--client-id", "app", "--groups-claim", s], code: 0 })],
  ["idp set", "as a positional argument", (s) => ({ args: ["idp", "set", s, ...d(), "--issuer", idp.issuer, "--client-id", "app"], code: 2 })],
  ["idp set", "as ALTER_VAULT_MASTER_KEY", (s) => ({ args: ["idp", "set", ...d(), "--issuer", idp.issuer, "--client-id", "app"], env: { ALTER_VAULT_MASTER_KEY: s }, code: 2 })],
  ["idp set", "in the variable (the right place)", (s) => ({ args: ["idp", "set", ...d(), "--issuer", idp.issuer, "--client-id", "app", "--client-secret-from-env", HELD], env: { [HELD]: s }, code: 0 })],
  ["rotate-master-key", "as the variable name of --new-key-from-env", (s) => ({ args: ["rotate-master-key", ...d(), "--new-key-from-env", s], code: 2 })],
  ["rotate-master-key", "in the variable, as a malformed key", (s) => ({ args: ["rotate-master-key", ...d(), "--new-key-from-env", HELD], env: { [HELD]: s }, code: 2 })],
  ["rotate-master-key", "as ALTER_VAULT_MASTER_KEY", (s) => ({ args: ["rotate-master-key", ...d()], env: { ALTER_VAULT_MASTER_KEY: s }, code: 2 })],
  ["rotate-master-key", "as a positional argument", (s) => ({ args: ["rotate-master-key", s, ...d()], code: 2 })],
  ["rotate-master-key", "in the --data path", (s) => ({ args: ["rotate-master-key", "--data", join(tmp.dir, s)], code: 2 })],
  ["init", "as ALTER_VAULT_MASTER_KEY", (s) => ({ args: ["init", "--data", join(tmp.dir, `env-${s.length}-${s.slice(0, 3)}`)], env: { ALTER_VAULT_MASTER_KEY: s }, code: 2 })],
  ["init", "in the --data path", (s) => ({ args: ["init", "--data", join(tmp.dir, "new", s)], code: 0 })],
  ["init", "as --app-name", (s) => ({ args: ["init", "--data", join(tmp.dir, `app-${s.slice(0, 4)}`), "--app-name", s], code: 0 })],
  ["init", "as a positional argument", (s) => ({ args: ["init", s, "--data", join(tmp.dir, "positional")], code: 2 })],
  ["start", "in the --tls-cert path", (s) => ({ args: ["start", ...d(), "--port", "0", "--tls-cert", badPath(s), "--tls-key", badPath(s)], code: 2 })],
  ["start", "as --host", (s) => ({ args: ["start", ...d(), "--port", "0", "--host", s], code: 2 })],
  ["start", "as --trusted-proxy", (s) => ({ args: ["start", ...d(), "--port", "0", "--trusted-proxy", s], code: 2 })],
  ["start", "as --port", (s) => ({ args: ["start", ...d(), "--port", s], code: 2 })],
  ["start", "as --max-connections-per-source", (s) => ({ args: ["start", ...d(), "--port", "0", "--max-connections-per-source", s], code: 2 })],
  ["start", "as ALTER_VAULT_MASTER_KEY", (s) => ({ args: ["start", ...d(), "--port", "0"], env: { ALTER_VAULT_MASTER_KEY: s }, code: 2 })],
  // The policy flags (a grant's policy, a secret's floor), API key scopes, OAuth settings, reviews.
  ["secrets add", "as --groups", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", HELD, "--label", "floor", "--groups", s], env: { [HELD]: "x" }, code: 0 })],
  ["secrets add", "as --time-window", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", HELD, "--time-window", s], env: { [HELD]: "x" }, code: 2 })],
  ["secrets add", "as --ip", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", HELD, "--ip", s], env: { [HELD]: "x" }, code: 2 })],
  ["secrets add", "as --ttl", (s) => ({ args: ["secrets", "add", ...d(), "--provider", "github", "--from-env", HELD, "--ttl", s], env: { [HELD]: "x" }, code: 2 })],
  ["secrets policy", "as the secret id", (s) => ({ args: ["secrets", "policy", s, ...d(), "--require-approval"], code: 2 })],
  ["secrets policy", "as --expires", (s) => ({ args: ["secrets", "policy", "nope", ...d(), "--expires", s], code: 2 })],
  ["grants issue", "as --secret", (s) => ({ args: ["grants", "issue", ...d(), "--secret", s, "--principal", "system"], code: 2 })],
  ["grants issue", "as --days", (s) => ({ args: ["grants", "issue", ...d(), "--secret", "nope", "--principal", "system", "--time-window", "09:00-17:00@UTC", "--days", s], code: 2 })],
  ["keys create", "as --kind", (s) => ({ args: ["keys", "create", ...d(), "--kind", s], code: 2 })],
  ["keys create", "as --scopes", (s) => ({ args: ["keys", "create", ...d(), "--scopes", `call,${s}`], code: 2 })],
  ["keys scopes", "as the key id", (s) => ({ args: ["keys", "scopes", s, ...d(), "--scopes", "call"], code: 2 })],
  ["oauth set", "as --issuer", (s) => ({ args: ["oauth", "set", "github", ...d(), "--issuer", s], code: 2 })],
  ["oauth set", "as --callback", (s) => ({ args: ["oauth", "set", "github", ...d(), "--callback", s], code: 2 })],
  ["oauth set", "as --device-authorization-url", (s) => ({ args: ["oauth", "set", "github", ...d(), "--device-authorization-url", s], code: 2 })],
  ["oauth set", "as the provider id", (s) => ({ args: ["oauth", "set", s, ...d(), "--callback", "shared"], code: 2 })],
  ["approvals show", "as the approval id", (s) => ({ args: ["approvals", "show", s, ...d()], code: 2 })],
  ["approvals approve", "as --expect-hash", (s) => ({ args: ["approvals", "approve", "nope", ...d(), "--expect-hash", s], code: 2 })],
  ["vault", "as a subcommand", (s) => ({ args: [s, ...d()], code: 2 })],
  ["secrets", "as a subcommand", (s) => ({ args: ["secrets", s, ...d()], code: 2 })],
];

/** The canary, and pieces of it that a truncating message could still print. */
function pieces(secret: string): string[] {
  const middle = secret.slice(Math.floor(secret.length / 2) - 6, Math.floor(secret.length / 2) + 6);
  return [secret, middle, secret.slice(-10)];
}

describe("a canary secret in every wrong place never reaches the terminal", () => {
  it.each(cases.map(([cmd, place, f], i) => [`${cmd}: ${place}`, f, CANARIES[i % CANARIES.length]!] as const))("%s", async (_name, place, secret) => {
    const { args, env, code } = place(secret);
    const r = await vault(args, env);
    for (const piece of pieces(secret)) expect(r.output).not.toContain(piece);
    expect(r.code, r.output).toBe(code);
    if (code === 2) expect(r.output).toMatch(/^alter-gen: /);
  });

  it.each(CANARIES)("the variable name %s is refused naming the flag, with what to do instead", async (secret) => {
    const r = await vault(["secrets", "add", ...d(), "--provider", "github", "--from-env", secret]);
    expect(r.output).toMatch(/--from-env takes the name of an environment variable, not a value; what was given looks like a secret.*rotate it.*--from-env TOKEN/);
    expect(r.output).not.toContain(secret);
  });
});

describe("secrets on standard input (a separate process)", () => {
  it.each([
    ["a malformed basic pair", ["--provider", "jira", "--type", "basic"]],
    ["a valid token with another flag wrong", ["--provider", "Git Hub"]],
  ])("%s", async (_name, flags) => {
    const secret = CANARIES[0]!;
    const r = await runVaultCli(["secrets", "add", ...d(), "--from-stdin", ...flags], { stdin: secret });
    expect(r.code).toBe(2);
    for (const piece of pieces(secret)) expect(r.stdout + r.stderr).not.toContain(piece);
  }, 60_000);
});

// Once secrets are stored where they belong, nothing that reads the vault back prints them: every
// listing and show command, as text and as --json (the form scripts pipe into logs).
describe("stored secrets never come back out of a listing, as text or --json", () => {
  const secret = CANARIES[1]!;
  const clientSecret = CANARIES[2]!;
  const idpSecret = CANARIES[6]!;
  let store: string;
  let secretId = "";
  let grantId = "";
  const ds = () => ["--data", store];

  beforeAll(async () => {
    store = join(tmp.dir, "listings");
    await initVault({ dataDir: store, env: {} });
    const added = await vault(["secrets", "add", ...ds(), "--provider", "slack", "--from-env", HELD, "--label", "bot"], { [HELD]: secret });
    secretId = /secret (\S+) for/.exec(added.output)?.[1] ?? "";
    const issued = await vault(["grants", "issue", ...ds(), "--secret", secretId, "--principal", "system", "--json"]);
    grantId = (JSON.parse(issued.output) as { grantId: string }).grantId;
    for (const piece of pieces(secret)) expect(issued.output).not.toContain(piece);
    await vault(["providers", "set", "github", ...ds(), "--client-id", "cid", "--client-secret-from-env", HELD], { [HELD]: clientSecret });
    await vault(["idp", "set", ...ds(), "--issuer", idp.issuer, "--client-id", "app", "--client-secret-from-env", HELD], { [HELD]: idpSecret });
  }, 60_000);

  const reads: string[][] = [
    ["secrets", "list"],
    ["grants", "list"],
    ["keys", "list"],
    ["users", "list"],
    ["approvals", "list"],
    ["audit"],
    ["audit", "verify"],
  ];
  // Text only: providers list has no --json; idp show and oauth show print JSON already.
  const shows: string[][] = [["providers", "list"], ["idp", "show"], ["oauth", "show", "github"]];

  it.each([...reads.flatMap((r) => [r, [...r, "--json"]]), ...shows])("vault %s", async (...args: string[]) => {
    const r = await vault([...args, ...ds()]);
    expect(r.code, r.output).toBe(0);
    for (const s of [secret, clientSecret, idpSecret]) for (const piece of pieces(s)) expect(r.output).not.toContain(piece);
  });

  it("the listings did list what was stored (the rows above are not empty answers)", async () => {
    expect(secretId).not.toBe("");
    expect((await vault(["secrets", "list", "--json", ...ds()])).output).toContain(secretId);
    expect((await vault(["grants", "list", "--json", ...ds()])).output).toContain(grantId);
    expect((await vault(["providers", "list", ...ds()])).output).toContain("github");
  });
});
