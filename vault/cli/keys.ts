import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { createApiKey, deprecateApiKey, listApiKeys, revokeApiKey } from "../admin/keys.js";
import { action, out, table, usage, withData, type DataFlags } from "./common.js";

export function registerKeys(vault: Command): void {
  const keys = vault.command("keys").description("API keys of the app");
  withData(keys.command("create").description("create an API key (printed once)"))
    .option("--label <label>", "what the key is for")
    .option("--ed25519-public-key <file>", "PEM Ed25519 public key: the key then signs requests with it only (alg ed25519, never HMAC)")
    .action(
      action(async (flags: DataFlags & { label?: string; ed25519PublicKey?: string }) => {
        let pem: string | undefined;
        if (flags.ed25519PublicKey) {
          try {
            pem = readFileSync(flags.ed25519PublicKey, "utf8");
          } catch (e) {
            usage(`Cannot read --ed25519-public-key ${flags.ed25519PublicKey}: ${(e as NodeJS.ErrnoException).code ?? "read error"}.`);
          }
        }
        const k = await createApiKey({ dataDir: flags.data, ...(flags.label ? { label: flags.label } : {}), ...(pem ? { ed25519PublicKeyPem: pem } : {}) });
        out(`API key ${k.keyId} (shown once, it cannot be shown again):`);
        out(`  ${k.apiKey}`);
      }),
    );
  withData(keys.command("list").description("list API keys (ids and states only)"))
    .option("--json", "print JSON")
    .action(
      action(async (flags: DataFlags & { json?: boolean }) => {
        const rows = await listApiKeys({ dataDir: flags.data });
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        out(table(["KEY ID", "STATE", "LABEL", "CREATED", "SUNSET"], rows.map((k) => [k.id, k.state, k.label ?? "", k.createdAt, k.sunsetAt ?? ""])));
      }),
    );
  withData(keys.command("revoke").description("revoke an API key at once"))
    .argument("<keyId>")
    .action(
      action(async (keyId: string, flags: DataFlags) => {
        await revokeApiKey({ dataDir: flags.data, keyId });
        out(`Revoked API key ${keyId}.`);
      }),
    );
  withData(keys.command("deprecate").description("deprecate an API key: it works until --sunset and callers are warned"))
    .argument("<keyId>")
    .option("--sunset <iso>", "when it stops working (default: in 30 days)")
    .action(
      action(async (keyId: string, flags: DataFlags & { sunset?: string }) => {
        const k = await deprecateApiKey({ dataDir: flags.data, keyId, ...(flags.sunset ? { sunsetAt: flags.sunset } : {}) });
        out(`Deprecated API key ${keyId}; it stops working at ${k.sunsetAt}.`);
      }),
    );
}
