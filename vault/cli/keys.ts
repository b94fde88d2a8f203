import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { createApiKey, deprecateApiKey, listApiKeys, revokeApiKey, setApiKeyScopesOf } from "../admin/keys.js";
import { KEY_KINDS, KEY_SCOPES, type KeyKind } from "../keys/scopes.js";
import { action, out, table, usage, vaultAt, withData, type DataFlags } from "./common.js";
import { flagValue, maskSecrets } from "../quote.js";

const SCOPE_HELP = `comma list of ${KEY_SCOPES.join(", ")}: call = retrieve, proxy, approval status, sign-in; provision = issue grants, connect sessions; manage = list and revoke grants`;

export function registerKeys(vault: Command): void {
  const keys = vault.command("keys").description("API keys of the app, each with a kind and scopes");
  withData(keys.command("create").description("create an API key (printed once)"))
    .option("--label <label>", "what the key is for")
    .option("--kind <kind>", `${KEY_KINDS.join(" or ")}: an agent key gets only the call scope unless --scopes says otherwise`, "service")
    .option("--scopes <list>", `${SCOPE_HELP} (default: all three for a service key, call for an agent key)`)
    .option("--ed25519-public-key <file>", "PEM Ed25519 public key: the key then signs requests with it only (alg ed25519, never HMAC)")
    .action(
      action(async (flags: DataFlags & { label?: string; kind: string; scopes?: string; ed25519PublicKey?: string }) => {
        if (!(KEY_KINDS as readonly string[]).includes(flags.kind)) usage(`${flagValue("--kind", flags.kind)} must be ${KEY_KINDS.join(" or ")}.`);
        let pem: string | undefined;
        if (flags.ed25519PublicKey) {
          try {
            pem = readFileSync(flags.ed25519PublicKey, "utf8");
          } catch (e) {
            usage(`Cannot read --ed25519-public-key ${maskSecrets(flags.ed25519PublicKey)}: ${(e as NodeJS.ErrnoException).code ?? "read error"}.`);
          }
        }
        const k = await createApiKey({
          ...vaultAt(flags),
          kind: flags.kind as KeyKind,
          ...(flags.scopes !== undefined ? { scopes: flags.scopes } : {}),
          ...(flags.label ? { label: flags.label } : {}),
          ...(pem ? { ed25519PublicKeyPem: pem } : {}),
        });
        out(`API key ${k.keyId} (${k.kind}; scopes ${k.scopes.join(", ")}) (shown once, it cannot be shown again):`);
        out(`  ${k.apiKey}`);
      }),
    );
  withData(keys.command("list").description("list API keys (ids, kinds, scopes and states only)"))
    .option("--json", "print JSON")
    .action(
      action(async (flags: DataFlags & { json?: boolean }) => {
        const rows = await listApiKeys({ ...vaultAt(flags) });
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        out(
          table(
            ["KEY ID", "STATE", "KIND", "SCOPES", "LABEL", "CREATED", "LAST USED", "SUNSET"],
            // Last use is recorded at most once a minute (storage/api-keys.ts).
            rows.map((k) => [k.id, k.state, k.kind, k.scopes.join(",") || "(none)", k.label ?? "", k.createdAt, k.lastUsedAt ?? "never", k.sunsetAt ?? ""]),
          ),
        );
      }),
    );
  withData(keys.command("scopes").description("replace an API key's scopes (effective on its next request)"))
    .argument("<keyId>")
    .requiredOption("--scopes <list>", SCOPE_HELP)
    .action(
      action(async (keyId: string, flags: DataFlags & { scopes: string }) => {
        const k = await setApiKeyScopesOf({ ...vaultAt(flags), keyId, scopes: flags.scopes });
        out(`API key ${k.id} now has scopes ${k.scopes.join(", ")}.`);
      }),
    );
  withData(keys.command("revoke").description("revoke an API key at once"))
    .argument("<keyId>")
    .action(
      action(async (keyId: string, flags: DataFlags) => {
        await revokeApiKey({ ...vaultAt(flags), keyId });
        out(`Revoked API key ${keyId}.`);
      }),
    );
  withData(keys.command("deprecate").description("deprecate an API key: it works until --sunset and callers are warned"))
    .argument("<keyId>")
    .option("--sunset <iso>", "when it stops working (default: in 30 days)")
    .action(
      action(async (keyId: string, flags: DataFlags & { sunset?: string }) => {
        const k = await deprecateApiKey({ ...vaultAt(flags), keyId, ...(flags.sunset ? { sunsetAt: flags.sunset } : {}) });
        out(`Deprecated API key ${keyId}; it stops working at ${k.sunsetAt}.`);
      }),
    );
}
