// Managed secrets: stored sealed, never printed or returned.
import { VaultUsageError } from "../errors.js";
import { isProviderSlug } from "../grants/provider-config.js";
import type { Credential, GrantPolicy } from "../grant-types.js";
import type { ManagedSecretRecord, SecretType } from "../storage/secrets.js";
import { validatePolicy } from "../policy/validate.js";
import { windowsOverlap } from "../policy/time-window.js";
import { auditAdmin, withVault, type AdminOptions } from "./open.js";
import { flagValue, quoted } from "../quote.js";
import { fieldsFromInput } from "../grants/fields.js";

export interface AddSecretOptions extends AdminOptions {
  provider: string;
  /** A token string, or the structured value for basic / aws. */
  value: string | Credential;
  type?: SecretType;
  /** A human label; also the grant's account identifier. */
  label?: string;
  /** The operator's policy floor: every grant over this secret is held to it as well as to its own policy. */
  policyFloor?: GrantPolicy;
}

/** Turns raw input into a credential of `type`; errors never repeat the value. */
export function credentialFromInput(type: SecretType, value: string | Credential): Credential {
  if (type === "fields") return fieldsFromInput(typeof value === "string" ? value.replace(/\r?\n$/, "") : value);
  if (typeof value !== "string") {
    if (type === "token" && "token" in value && typeof value.token === "string" && value.token) return { token: value.token };
    if (type === "basic" && "username" in value && typeof value.username === "string" && typeof value.password === "string") {
      return { username: value.username, password: value.password };
    }
    if (type === "aws" && "accessKeyId" in value && typeof value.accessKeyId === "string" && typeof value.secretAccessKey === "string") {
      return {
        accessKeyId: value.accessKeyId,
        secretAccessKey: value.secretAccessKey,
        ...(value.sessionToken ? { sessionToken: value.sessionToken } : {}),
      };
    }
    throw new VaultUsageError(`The secret value does not have the fields of a ${type} secret.`);
  }
  const text = value.replace(/\r?\n$/, "");
  if (text === "") throw new VaultUsageError("The secret value is empty.");
  if (type === "token") {
    if (/[\r\n]/.test(text)) throw new VaultUsageError("A token secret must be one line.");
    return { token: text };
  }
  if (type === "basic") {
    const i = text.indexOf(":");
    if (i <= 0) throw new VaultUsageError('A basic secret is "username:password" (one line, the first colon separates them).');
    return { username: text.slice(0, i), password: text.slice(i + 1) };
  }
  // aws: JSON { accessKeyId, secretAccessKey, sessionToken? } or "id:secret[:session]"
  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new VaultUsageError("An aws secret given as JSON must be valid JSON with accessKeyId and secretAccessKey.");
    }
    return credentialFromInput("aws", parsed as Credential);
  }
  const parts = text.split(":");
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) {
    throw new VaultUsageError('An aws secret is "accessKeyId:secretAccessKey[:sessionToken]" or JSON.');
  }
  return { accessKeyId: parts[0], secretAccessKey: parts[1], ...(parts[2] ? { sessionToken: parts[2] } : {}) };
}

export async function addManagedSecret(opts: AddSecretOptions): Promise<ManagedSecretRecord> {
  if (!isProviderSlug(opts.provider)) throw new VaultUsageError(`${flagValue("--provider", opts.provider)} is not a provider id such as github.`);
  const type = opts.type ?? "token";
  if (!["token", "basic", "aws", "fields"].includes(type)) throw new VaultUsageError(`${flagValue("--type", type)} must be token, basic, aws or fields.`);
  const value = credentialFromInput(type, opts.value);
  const policyFloor = validatePolicy(opts.policyFloor ?? {}, "policy floor");
  return withVault(opts, (s) =>
    s.store.sql.transaction(async (tx) => {
      const rec = await s.store.secrets.insert({ appId: s.app.id, provider: opts.provider, label: opts.label ?? null, type, value, policyFloor }, s.now(), tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "secrets add", { provider: opts.provider, details: { secretId: rec.id, type, policyFloor } });
      return rec;
    }),
  );
}

export async function listManagedSecrets(opts: AdminOptions = {}): Promise<ManagedSecretRecord[]> {
  return withVault(opts, (s) => s.store.secrets.list(s.app.id));
}

/**
 * Replaces a secret's policy floor. Grants over it follow the new floor from their next access
 * (it is read with each grant, never copied). `unusable` lists active grants whose own time
 * window never meets the new floor's in the coming week: they stay, but cannot be used.
 */
export async function setSecretPolicy(opts: AdminOptions & { secretId: string; policyFloor: GrantPolicy }): Promise<{ secret: ManagedSecretRecord; unusable: string[] }> {
  const floor = validatePolicy(opts.policyFloor, "policy floor");
  return withVault(opts, async (s) => {
    const replaced = await s.store.sql.transaction(async (tx) => {
      const r = await s.store.secrets.replaceFloor(s.app.id, opts.secretId, floor, tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      if (r) auditAdmin(s, "secrets policy", { provider: r.before.provider, details: { secretId: opts.secretId, from: r.before.policyFloor, to: floor } });
      return r;
    });
    if (!replaced) throw new VaultUsageError(`No managed secret with id ${quoted(opts.secretId)}; list them with \`alter-gen vault secrets list\`.`);
    const { before, after } = replaced;
    const unusable = floor.timeWindow
      ? (await s.store.grants.listAll(s.app.id, before.provider))
          .filter((g) => g.managedSecretId === opts.secretId && g.status === "active" && g.policy.timeWindow)
          .filter((g) => !windowsOverlap([floor.timeWindow!, g.policy.timeWindow!], s.now()))
          .map((g) => g.id)
      : [];
    return { secret: after, unusable };
  });
}
