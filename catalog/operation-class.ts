// Which operations change or destroy something, from the HTTP method and the operation's name.
// One rule for every reader: the generator's tool annotations (MCP's destructive hint) and the
// vault's approval policies (`requireApprovalFor.classes`), so an agent is never told an operation
// is harmless while the vault gates it as destructive, or the other way round.

/**
 * Verbs that delete or take away for good, as the first word of a method or operation name:
 * RPC-style APIs send them with POST (Slack's `chat.delete`, `conversations.kick`), so the HTTP
 * method alone misses them.
 */
export const DESTRUCTIVE_VERBS: ReadonlySet<string> = new Set(["delete", "remove", "destroy", "purge", "revoke", "erase", "wipe", "kick", "uninstall", "unpublish"]);

/** The first word of a method or operation name (`deleteScheduledMessage` → delete, `chat.delete` → delete,
 *  `issues/delete-comment` → delete). */
export function leadingVerb(name: string | undefined): string | undefined {
  const last = name?.split(/[./]/).pop();
  return last?.match(/^[a-z]+|^[A-Z][a-z]*/)?.[0]?.toLowerCase();
}

/** GET and HEAD read; every other method may change something. */
export function isReadMethod(method: string): boolean {
  const m = method.toUpperCase();
  return m === "GET" || m === "HEAD";
}

/** A write that deletes or takes away: DELETE, or a write whose name starts with a destructive verb. */
export function isDestructive(method: string, name: string | undefined): boolean {
  if (isReadMethod(method)) return false;
  if (method.toUpperCase() === "DELETE") return true;
  const verb = leadingVerb(name);
  return verb !== undefined && DESTRUCTIVE_VERBS.has(verb);
}
