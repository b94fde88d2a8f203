// Headless flows: on a machine with no browser (a server, a container, an agent runner),
// authenticate() and connect() use the OAuth device authorization grant (RFC 8628) where the
// IDP or provider supports it: the vault starts it and keeps the device_code; the SDK shows the
// person a short code and a URL to open on any other device, and polls the vault's session as
// for the browser flow. This file decides which flow runs and shows the code.
import type { Logger } from "./logger.js";
import { openForPerson, type BrowserOpener } from "./open-browser.js";

/** What the person is asked to do on another device. Nothing in it is a secret. */
export interface DeviceCodePrompt {
  /** "Sign in", or "Connect github". */
  what: string;
  /** The provider the code is for (connect); undefined for a sign-in. */
  provider: string | undefined;
  /** The short code the person types at `verificationUri`. */
  userCode: string;
  verificationUri: string;
  /** The same page with the code filled in (a QR code's target), when the server gives one. */
  verificationUriComplete: string | null;
  /** When the code stops working (ISO 8601). */
  expiresAt: string;
}

/** Shows a device code; the default prints it to stderr. */
export type DeviceCodeHandler = (prompt: DeviceCodePrompt) => void | Promise<void>;

export type FlowChoice = "auto" | "browser" | "device";

/**
 * Whether no browser can be opened from this process, read conservatively (a wrong "headless"
 * only costs a code to type; a wrong "has a browser" leaves the person with nothing):
 * - `BROWSER` set: the user named an opener, so there is one;
 * - an SSH session (`SSH_CONNECTION`/`SSH_TTY`) without X11 forwarding (`DISPLAY`): an opener
 *   would open on the far machine's screen, if any;
 * - Linux and other Unixes (not macOS, not Windows) without `DISPLAY` or `WAYLAND_DISPLAY`.
 */
export function headlessEnvironment(env: Record<string, string | undefined>, platform: string): { headless: boolean; why: string } {
  const set = (k: string) => typeof env[k] === "string" && env[k] !== "";
  if (set("BROWSER")) return { headless: false, why: "BROWSER names an opener" };
  const display = set("DISPLAY") || set("WAYLAND_DISPLAY");
  if ((set("SSH_CONNECTION") || set("SSH_TTY")) && !display) return { headless: true, why: "an SSH session without a forwarded display" };
  if (platform === "darwin" || platform === "win32") return { headless: false, why: `${platform} has a desktop opener` };
  if (!display) return { headless: true, why: "no DISPLAY or WAYLAND_DISPLAY" };
  return { headless: false, why: "a display is set" };
}

/**
 * The flow to ask the vault for. An explicit `flow` wins; "auto" runs the device grant only
 * when the caller left opening the browser to the SDK and this machine has none.
 */
export function chooseFlow(flow: FlowChoice | undefined, openBrowser: unknown, env: Record<string, string | undefined> = process.env, platform: string = process.platform): "browser" | "device" {
  if (flow === "browser" || flow === "device") return flow;
  if (openBrowser !== undefined && openBrowser !== true) return "browser";
  return headlessEnvironment(env, platform).headless ? "device" : "browser";
}

function printPrompt(p: DeviceCodePrompt): void {
  const lines = [`\n${p.what}: on any device with a browser, open`, `  ${p.verificationUri}`, `and enter the code`, `  ${p.userCode}`];
  if (p.verificationUriComplete) lines.push(`(or open ${p.verificationUriComplete})`);
  lines.push(`The code works until ${p.expiresAt}.\n\n`);
  process.stderr.write(lines.join("\n"));
}

/** Shows each prompt through the caller's handler, or prints it. */
export async function showDeviceCodes(prompts: DeviceCodePrompt[], handler: DeviceCodeHandler | undefined, logger: Logger | undefined): Promise<void> {
  for (const p of prompts) {
    logger?.info?.(`${p.what}: waiting for the person to enter the device code`, { provider: p.provider, verificationUri: p.verificationUri, expiresAt: p.expiresAt });
    await (handler ?? printPrompt)(p);
  }
}

/** The vault's answer field `device`, checked: a list of prompts (connect) or one (sign-in). */
export function devicePromptsOf(value: unknown, what: (provider: string | undefined) => string): DeviceCodePrompt[] | null {
  if (value === null || value === undefined) return null;
  const list = Array.isArray(value) ? value : [value];
  const prompts: DeviceCodePrompt[] = [];
  for (const v of list as Record<string, unknown>[]) {
    if (!v || typeof v.userCode !== "string" || typeof v.verificationUri !== "string" || typeof v.expiresAt !== "string") return null;
    const provider = typeof v.provider === "string" ? v.provider : undefined;
    prompts.push({
      what: what(provider),
      provider,
      userCode: v.userCode,
      verificationUri: v.verificationUri,
      verificationUriComplete: typeof v.verificationUriComplete === "string" ? v.verificationUriComplete : null,
      expiresAt: v.expiresAt,
    });
  }
  return prompts.length > 0 ? prompts : null;
}

/** A device code per prompt; without prompts (unsupported), the page's URL printed with the reason. */
export async function presentSession(
  started: { url: string; device?: unknown; deviceUnavailable?: string | null },
  flow: "browser" | "device",
  options: { openBrowser?: BrowserOpener | undefined; onDeviceCode?: DeviceCodeHandler | undefined },
  what: string,
  logger: Logger | undefined,
): Promise<"browser" | "device"> {
  const prompts = flow === "device" ? devicePromptsOf(started.device, (p) => (p ? `Connect ${p}` : what)) : null;
  if (prompts) {
    await showDeviceCodes(prompts, options.onDeviceCode, logger);
    return "device";
  }
  if (flow === "device") {
    const why = started.deviceUnavailable ?? "the vault did not start a device authorization";
    logger?.info?.(`${what}: no device code (${why}); showing the vault's page instead`);
    // The person opens the page on another device: it must reach the vault (its --public-url).
    if (options.openBrowser === undefined || options.openBrowser === true) process.stderr.write(`
${what}: no device code: ${why}.`);
  }
  await openForPerson(started.url, flow === "device" && options.openBrowser === undefined ? false : options.openBrowser, what, logger);
  return "browser";
}
