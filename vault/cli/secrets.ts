import type { Command } from "commander";
import { addManagedSecret, listManagedSecrets } from "../admin/secrets.js";
import type { SecretType } from "../storage/secrets.js";
import { action, out, readEnvSecret, readStdin, table, usage, withData, type DataFlags } from "./common.js";
import { flagValue, looksSecret } from "../quote.js";

interface AddFlags extends DataFlags {
  provider?: string;
  fromEnv?: string;
  fromStdin?: boolean;
  label?: string;
  type: string;
}

export function registerSecrets(vault: Command): void {
  const secrets = vault.command("secrets").description("managed secrets (write-only: never printed back)");
  withData(secrets.command("add").description("store a provider secret (API key, bot token, basic pair, AWS keys)"))
    .option("--provider <id>", "the provider it is for, e.g. github")
    .option("--from-env <VAR>", "read the secret from this environment variable")
    .option("--from-stdin", "read the secret from standard input")
    .option("--label <label>", "a label (also the grants' account identifier)")
    .option("--type <type>", 'token, basic ("user:password") or aws ("id:secret[:session]" or JSON)', "token")
    .action(
      action(async (flags: AddFlags) => {
        if (!flags.provider) usage("secrets add needs --provider <id> (for example --provider github).");
        if (!!flags.fromEnv === !!flags.fromStdin) usage("secrets add needs exactly one of --from-env <VAR> and --from-stdin.");
        if (!["token", "basic", "aws"].includes(flags.type)) usage(`${flagValue("--type", flags.type)} must be token, basic or aws.`);
        // A label is shown in listings, audit rows and to SDK callers (it is the grants' account).
        if (flags.label !== undefined && looksSecret(flags.label)) usage("--label looks like a secret; labels are shown in listings and to callers. Pass the secret with --from-env or --from-stdin.");
        const value = flags.fromEnv ? readEnvSecret(flags.fromEnv, "--from-env") : await readStdin();
        const rec = await addManagedSecret({
          dataDir: flags.data,
          provider: flags.provider,
          value,
          type: flags.type as SecretType,
          ...(flags.label ? { label: flags.label } : {}),
        });
        out(`Stored ${rec.type} secret ${rec.id} for ${rec.provider}. Issue it with: alter-gen vault grants issue --secret ${rec.id} --principal system`);
      }),
    );
  withData(secrets.command("list").description("list managed secrets (ids and labels only)"))
    .option("--json", "print JSON")
    .action(
      action(async (flags: DataFlags & { json?: boolean }) => {
        const rows = await listManagedSecrets({ dataDir: flags.data });
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        out(table(["ID", "PROVIDER", "TYPE", "LABEL", "CREATED"], rows.map((r) => [r.id, r.provider, r.type, r.label ?? "", r.createdAt])));
      }),
    );
}
