import type { Command } from "commander";
import { addManagedSecret, listManagedSecrets, setSecretPolicy } from "../admin/secrets.js";
import type { SecretType } from "../storage/secrets.js";
import { action, out, readEnvSecret, readStdin, table, usage, vaultAt, withData, type DataFlags } from "./common.js";
import { policyFromFlags, policySummary, withPolicyFlags, type PolicyFlags } from "./policy-flags.js";
import { flagValue, looksSecret } from "../quote.js";

interface AddFlags extends DataFlags, PolicyFlags {
  provider?: string;
  fromEnv?: string;
  fromStdin?: boolean;
  label?: string;
  type: string;
}

const FLOOR = "floor for every grant over it";

export function registerSecrets(vault: Command): void {
  const secrets = vault.command("secrets").description("managed secrets (write-only: never printed back), each with an optional policy floor");
  const add = withData(secrets.command("add").description("store a provider secret (API key, bot token, basic pair, AWS keys) and its policy floor"))
    .option("--provider <id>", "the provider it is for, e.g. github")
    .option("--from-env <VAR>", "read the secret from this environment variable")
    .option("--from-stdin", "read the secret from standard input")
    .option("--label <label>", "a label (also the grants' account identifier)")
    .option("--type <type>", 'token, basic ("user:password"), aws ("id:secret[:session]" or JSON) or fields (JSON object of strings, e.g. {"key":"…","token":"…"})', "token");
  withPolicyFlags(add, FLOOR).action(
    action(async (flags: AddFlags) => {
      if (!flags.provider) usage("secrets add needs --provider <id> (for example --provider github).");
      if (!!flags.fromEnv === !!flags.fromStdin) usage("secrets add needs exactly one of --from-env <VAR> and --from-stdin.");
      if (!["token", "basic", "aws", "fields"].includes(flags.type)) usage(`${flagValue("--type", flags.type)} must be token, basic, aws or fields.`);
      // A label is shown in listings, audit rows and to SDK callers (it is the grants' account).
      if (flags.label !== undefined && looksSecret(flags.label)) usage("--label looks like a secret; labels are shown in listings and to callers. Pass the secret with --from-env or --from-stdin.");
      const policyFloor = policyFromFlags(flags);
      const value = flags.fromEnv ? readEnvSecret(flags.fromEnv, "--from-env") : await readStdin();
      const rec = await addManagedSecret({
        ...vaultAt(flags),
        provider: flags.provider,
        value,
        type: flags.type as SecretType,
        policyFloor,
        ...(flags.label ? { label: flags.label } : {}),
      });
      const floor = policySummary(rec.policyFloor);
      out(`Stored ${rec.type} secret ${rec.id} for ${rec.provider}${floor ? ` (policy floor: ${floor})` : ""}. Issue it with: alter-gen vault grants issue --secret ${rec.id} --principal system`);
    }),
  );
  const policy = withData(
    secrets
      .command("policy")
      .description("replace a secret's policy floor; existing grants over it follow it from their next use (the stricter rule wins, per field)")
      .argument("<secretId>"),
  ).option("--clear", "remove the floor (grants keep only their own policy)");
  withPolicyFlags(policy, FLOOR).action(
    action(async (secretId: string, flags: DataFlags & PolicyFlags & { clear?: boolean }) => {
      const floor = policyFromFlags(flags);
      if (flags.clear && Object.keys(floor).length > 0) usage("--clear removes the floor; give either --clear or policy flags, not both.");
      if (!flags.clear && Object.keys(floor).length === 0) usage("secrets policy needs policy flags (--require-approval, --ttl, --time-window, --ip, --groups, --expires) or --clear.");
      const { secret, unusable } = await setSecretPolicy({ ...vaultAt(flags), secretId, policyFloor: floor });
      const summary = policySummary(secret.policyFloor);
      out(summary ? `Policy floor of secret ${secret.id}: ${summary}.` : `Secret ${secret.id} has no policy floor now.`);
      if (unusable.length) out(`Warning: ${unusable.length} grant(s) have a time window that never meets the floor's and cannot be used: ${unusable.join(", ")}.`);
    }),
  );
  withData(secrets.command("list").description("list managed secrets (ids, labels and policy floors only)"))
    .option("--json", "print JSON")
    .action(
      action(async (flags: DataFlags & { json?: boolean }) => {
        const rows = await listManagedSecrets({ ...vaultAt(flags) });
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        out(table(["ID", "PROVIDER", "TYPE", "LABEL", "POLICY FLOOR", "CREATED"], rows.map((r) => [r.id, r.provider, r.type, r.label ?? "", policySummary(r.policyFloor), r.createdAt])));
      }),
    );
}
