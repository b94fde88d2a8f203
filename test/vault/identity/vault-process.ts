// A second process on the same data folder that is not a server: what `alter-gen vault
// approvals approve` is when it runs an approved proxy call while the server keeps serving.
// (Only one server may serve a folder: see vault/admin/server-lock.ts.) Run with
// `node --import tsx`. Prints `ready` once the folder is open; a stdin line
// `retrieve <grantId> <clockOffsetMs> <count>` opens the grant's credential <count> times at once
// and answers with a JSON array of the tokens. SIGTERM closes it.
import { createInterface } from "node:readline";
import { openVaultState } from "../../../vault/state.js";
import { vaultContext } from "../../../vault/context.js";
import { credentialFor } from "../../../vault/grants/credential.js";

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: vault-process.ts <dataDir>");
let offset = 0;
const state = await openVaultState(dataDir, { now: () => Date.now() + offset });
const ctx = vaultContext(state, state.app);
process.stdout.write("ready\n");
createInterface({ input: process.stdin }).on("line", async (line) => {
  const m = /^retrieve (\S+) (-?\d+) (\d+)$/.exec(line.trim());
  if (!m) return;
  offset = Number(m[2]);
  const grant = await state.store.grants.get(state.app.id, m[1]!);
  if (!grant) {
    process.stdout.write(JSON.stringify({ error: "grant_not_found" }) + "\n");
    return;
  }
  const calls = Array.from({ length: Number(m[3]) }, () => credentialFor(ctx, grant));
  Promise.all(calls).then(
    (creds) => process.stdout.write(JSON.stringify(creds.map((c) => ("token" in c ? c.token : null))) + "\n"),
    (e: unknown) => process.stdout.write(JSON.stringify({ error: (e as { code?: string }).code ?? "error" }) + "\n"),
  );
});
process.on("SIGTERM", () => {
  void state.close().finally(() => process.exit(0));
});
