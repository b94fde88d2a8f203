// Telemetry: what an in-process APM agent sees on diagnostics channels in the application's
// process (a child process here, so the vault's own requests are not in it). The runtime publishes
// no channel of its own; undici publishes the requests it sends. In retrieve mode that includes
// the request with the injected credential (runtime/README.md and docs/architecture.md say so);
// in proxy mode the application's process only ever sends signed requests to the vault, and no
// message on any channel carries the credential.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPeers, type Peers } from "./support/peers.js";

const ROOT = join(import.meta.dirname, "../..");
const SECRET = "ghp_CANARYdiagnostics0123456789abc";
const UNDICI_CHANNELS = [
  "undici:request:create", "undici:request:bodySent", "undici:request:bodyChunkSent", "undici:request:bodyChunkReceived",
  "undici:request:headers", "undici:request:trailers", "undici:request:error", "undici:client:beforeConnect",
  "undici:client:connected", "undici:client:connectError", "undici:client:sendHeaders",
];

/** Channel names the runtime's own sources create (none today; any added ones are checked too). */
async function runtimeChannels(): Promise<string[]> {
  const names: string[] = [];
  for (const file of await readdir(join(ROOT, "runtime"))) {
    if (!file.endsWith(".ts")) continue;
    const text = await readFile(join(ROOT, "runtime", file), "utf8");
    for (const m of text.matchAll(/(?:channel|tracingChannel)\(\s*["'`]([^"'`]+)["'`]/g)) names.push(m[1]!);
  }
  return names;
}

let p: Peers;
let grant: string;
beforeAll(async () => {
  p = await startPeers("github");
  grant = await p.grant(SECRET);
});
afterAll(async () => {
  await p?.close();
});

async function observe(mode: "retrieve" | "proxy", channels: string[]): Promise<Record<string, { messages: number; carried: boolean }>> {
  const input = { vaultUrl: p.vault.url, apiKey: p.apiKey, grant, provider: p.provider, mode, secret: SECRET, channels };
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(ROOT, "test/runtime/support/diagnostics-child.ts")], {
    cwd: ROOT,
    env: { ...process.env, DIAG_INPUT: JSON.stringify(input) },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

describe("diagnostics channels in the application's process", () => {
  it("the runtime publishes no channel of its own, so none can carry the credential", async () => {
    expect(await runtimeChannels()).toEqual([]);
  });

  it("proxy mode: no message on any channel carries the credential", async () => {
    const seen = await observe("proxy", [...UNDICI_CHANNELS, ...(await runtimeChannels())]);
    expect(seen["undici:request:create"]!.messages).toBeGreaterThan(0); // the subscription works
    expect(Object.entries(seen).filter(([, s]) => s.carried).map(([name]) => name)).toEqual([]);
  }, 60_000);

  it("retrieve mode: undici's own channels show the request with the injected credential (documented)", async () => {
    const seen = await observe("retrieve", [...UNDICI_CHANNELS, ...(await runtimeChannels())]);
    const carried = Object.entries(seen).filter(([, s]) => s.carried).map(([name]) => name);
    expect(carried).toContain("undici:client:sendHeaders");
    expect(carried.every((name) => name.startsWith("undici:"))).toBe(true);
  }, 60_000);
});
