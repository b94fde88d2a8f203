// How the vault repeats a value an operator typed (in an error, or in a command's output). People
// paste secrets where a name, an id or a path belongs (`--from-env ghp_…`), so a value that could
// be a credential is never repeated: the message names the flag instead. Credentials are long
// runs of random letters and digits (API keys, tokens, JWTs, AWS keys, PEM bodies), which names,
// ids, paths and URLs people type rarely are. A short password cannot be told from a word; a
// message quoting one is the price of messages that say what was wrong.

/** What a hidden value is replaced with. */
export const HIDDEN = "[hidden: looks like a secret]";

// The alphabets of base64, base64url and hex tokens: one run of these is one candidate secret.
const RUN = /[A-Za-z0-9+/=_-]+/g;
// An environment variable name as people write them (GITHUB_TOKEN, ALTER_VAULT_MASTER_KEY).
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;

// Names, flags, UUIDs and paths are short pieces between - and _ (ed25519-public-key,
// 3f2a9c1e-…); tokens have long pieces mixing letters and digits, or many of each overall.
function secretRun(run: string): boolean {
  if (ENV_NAME.test(run) && run.length <= 64 && run.split("_").every((part) => part.length <= 16)) return false;
  for (const piece of run.split(/[-_]/)) {
    const classes = Number(/[a-z]/.test(piece)) + Number(/[A-Z]/.test(piece)) + Number(/\d/.test(piece));
    if (piece.length >= 40 || (piece.length >= 20 && classes >= 2) || (piece.length >= 16 && classes === 3)) return true;
  }
  return run.length >= 32 && count(run, /[A-Z]/g) >= 4 && count(run, /[a-z]/g) >= 4 && count(run, /\d/g) >= 2;
}

/** True when `value` may hold a credential, so no message or output may repeat it. */
export function looksSecret(value: string): boolean {
  if (value.length > 256 || value.includes("-----BEGIN")) return true;
  for (const run of value.match(RUN) ?? []) if (secretRun(run)) return true;
  return false;
}

/** A typed value quoted for a message (`"abc"`), or HIDDEN when it may be a credential. */
export function quoted(value: string): string {
  return looksSecret(value) ? HIDDEN : JSON.stringify(value);
}

/** A typed value as a command's output repeats it (bare), or HIDDEN when it may be a credential. */
export function shown(value: string): string {
  return looksSecret(value) ? HIDDEN : value;
}

/** `--flag "value"`, or `--flag [hidden: …]`: what a message about a flag's value says. */
export function flagValue(flag: string, value: string): string {
  return `${flag} ${quoted(value)}`;
}

/**
 * `text` with every run that may be a credential replaced by HIDDEN: for paths (a secret pasted
 * as a folder name) and, at the CLI's edge, for every error message whatever wrote it.
 */
export function maskSecrets(text: string): string {
  if (text.includes("-----BEGIN")) text = text.replace(/-----BEGIN[\s\S]*?(-----END[^-]*-----|$)/g, HIDDEN);
  return text.replace(RUN, (run) => (secretRun(run) ? HIDDEN : run));
}
