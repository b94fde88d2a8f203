// Browser flows driven from the SDK: connect (OAuth at a provider, through the vault) and
// authenticate (OIDC login at the app's IDP, through the vault). Both create a session, open a
// browser on the vault's page (or print the URL) or show a device code on a headless machine
// (device-flow.ts), and poll the session until it ends.
import { platformSignal } from "./internal/abort.js";
import type { AbortSignalLike } from "./operation.js";
import type { VaultRequests } from "./internal/traced-requests.js";
import type { SealedValue } from "../protocol/seal.js";
import type { Logger } from "./logger.js";
import type { IdentitySource } from "./identity.js";
import type { GrantInfo } from "./grants.js";
import { sleep } from "./retry.js";
import { connectTargets, type ConnectProvider } from "./connect-scopes.js";
import { AlterSDKError, AlterValueError, ConnectConfigError, ConnectDeniedError, ConnectFlowError, ConnectTimeoutError, DeviceCodeExpiredError, type ConnectProviderStatus } from "./errors.js";
import { chooseFlow, presentSession, type DeviceCodeHandler, type FlowChoice } from "./device-flow.js";
import type { BrowserOpener } from "./open-browser.js";

export { openForPerson, type BrowserOpener } from "./open-browser.js";

export interface FlowOptions {
  /** How long to wait for the person, in ms (default 5 minutes). */
  timeoutMs?: number;
  /** Polling interval (default 1 s). */
  pollIntervalMs?: number;
  openBrowser?: BrowserOpener;
  signal?: AbortSignalLike;
  /**
   * "browser": open (or print) the vault's page. "device": the OAuth device grant (RFC 8628): a
   * short code the person enters on any other device, where the IDP (sign-in) or every provider
   * (connect) supports it; otherwise the page's URL is printed, with the reason. "auto": "device"
   * when the SDK is left to open the browser (`openBrowser` unset or true) and this machine has
   * none (`headlessEnvironment`), else "browser".
   * @default "auto"
   */
  flow?: FlowChoice;
  /** Shows a device code to the person (once per provider for connect). @default prints to stderr */
  onDeviceCode?: DeviceCodeHandler;
}

export interface ConnectSessionOptions {
  /**
   * Provider ids, or generated clients' `provider` data: a session for `provider` asks for that
   * client's least OAuth scopes (`provider.security.leastScopes`) unless `scopes` names it.
   */
  providers: ConnectProvider[];
  scopes?: Record<string, string[]>;
  /**
   * Connect as the signed-in user (user grants; needs a user token source) or as the app
   * (system grants). Default: as the user when a token source is configured.
   */
  asUser?: boolean;
}

export interface ConnectSession {
  sessionId: string;
  connectUrl: string;
  expiresAt: string;
}

export type ConnectOptions = ConnectSessionOptions & FlowOptions;

export interface AuthenticateResult {
  /** The IDP subject of the signed-in user (from the token's claims; not a secret). */
  subject: string | undefined;
  /** When the cached token expires (from its `exp`), if it says. */
  expiresAt: Date | undefined;
  /** How the person signed in: at the vault's page, or with a device code (RFC 8628). */
  flow: "browser" | "device";
}

const DEFAULT_FLOW_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_POLL_MS = 1_000;

/** Polls `check` until it returns a value, the time runs out (`onTimeout`), or the signal aborts. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; pollIntervalMs: number; signal?: AbortSignalLike | undefined },
  onTimeout: () => Error,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const done = await check();
    if (done !== undefined) return done;
    const left = deadline - Date.now();
    if (left <= 0) throw onTimeout();
    await sleep(Math.min(options.pollIntervalMs, left), platformSignal(options.signal));
  }
}

function checkFlowOptions(o: FlowOptions, where: string): { timeoutMs: number; pollIntervalMs: number } {
  const timeoutMs = o.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS;
  const pollIntervalMs = o.pollIntervalMs ?? DEFAULT_POLL_MS;
  if (!(timeoutMs > 0)) throw new AlterValueError(`${where}: timeoutMs must be a positive number`);
  if (!(pollIntervalMs > 0)) throw new AlterValueError(`${where}: pollIntervalMs must be a positive number`);
  return { timeoutMs, pollIntervalMs };
}

/** @internal */
export async function createConnectSession(transport: VaultRequests, identity: IdentitySource, options: ConnectSessionOptions): Promise<ConnectSession> {
  const { device: _d, deviceUnavailable: _u, ...session } = await startConnectSession(transport, identity, options, "browser");
  return session;
}

interface StartedSession extends ConnectSession {
  device?: unknown;
  deviceUnavailable?: string | null;
}

async function startConnectSession(transport: VaultRequests, identity: IdentitySource, options: ConnectSessionOptions, flow: "browser" | "device"): Promise<StartedSession> {
  const { ids, scopes } = connectTargets(options?.providers, options?.scopes);
  const asUser = options.asUser ?? identity.configured;
  const userToken = asUser ? await identity.require("connect") : undefined;
  const body: Record<string, unknown> = { providers: ids };
  if (scopes) body.scopes = scopes;
  if (flow === "device") body.flow = "device";
  const res = await transport.request<StartedSession>("POST", "/v1/connect/sessions", { body, userToken });
  const { sessionId, connectUrl, expiresAt, device, deviceUnavailable } = res.data;
  return { sessionId, connectUrl, expiresAt, device, deviceUnavailable: typeof deviceUnavailable === "string" ? deviceUnavailable : null };
}

interface ConnectStatus {
  status: "pending" | "completed" | "denied" | "expired" | "failed";
  /** Every grant the session created (also when it ended denied or failed). */
  grants: GrantInfo[];
  providers?: ConnectProviderStatus[];
  error: { code: string; message: string } | null;
}

/** The session's partial result on the error, so the app learns of grants it now holds. */
function withOutcome<E extends ConnectFlowError>(error: E, data: ConnectStatus): E {
  error.grants = Array.isArray(data.grants) ? data.grants : [];
  error.providers = Array.isArray(data.providers) ? data.providers : [];
  return error;
}

/** The denial, naming the providers that did connect (their grants are on the error). */
function deniedMessage(data: ConnectStatus): string {
  const base = data.error?.message ?? "the user denied the connection at the provider";
  const connected = (data.providers ?? []).filter((p) => p.status === "connected").map((p) => p.provider);
  return connected.length > 0 ? `${base} (connected before that: ${connected.join(", ")}; see error.grants)` : base;
}

/** @internal */
export async function runConnect(transport: VaultRequests, identity: IdentitySource, options: ConnectOptions, logger: Logger | undefined): Promise<GrantInfo[]> {
  const flow = checkFlowOptions(options, "connect");
  const chosen = chooseFlow(options.flow, options.openBrowser);
  const session = await startConnectSession(transport, identity, options, chosen);
  const what = `Connect ${options.providers.map((p) => (typeof p === "string" ? p : p.id)).join(", ")}`;
  await presentSession({ url: session.connectUrl, device: session.device, deviceUnavailable: session.deviceUnavailable }, chosen, options, what, logger);
  return pollUntil(
    async () => {
      const { data } = await transport.request<ConnectStatus>("GET", `/v1/connect/sessions/${encodeURIComponent(session.sessionId)}`, { signal: platformSignal(options.signal) });
      switch (data.status) {
        case "pending":
          return undefined;
        case "completed":
          return data.grants;
        case "denied":
          throw withOutcome(new ConnectDeniedError(deniedMessage(data)), data);
        case "expired":
          throw withOutcome(new ConnectTimeoutError("the connect session expired before the user finished"), data);
        case "failed":
          if (data.error?.code === "connect_config") throw withOutcome(new ConnectConfigError(data.error.message), data);
          if (data.error?.code === "device_code_expired") throw withOutcome(new DeviceCodeExpiredError(data.error.message), data);
          throw withOutcome(new ConnectFlowError(data.error?.code ?? "connect_failed", data.error?.message ?? "the connect flow failed", false), data);
        default:
          throw new ConnectFlowError("connect_failed", `the vault reported an unknown connect status`, false);
      }
    },
    { ...flow, signal: options.signal },
    () => new ConnectTimeoutError(`the connect flow did not finish within ${flow.timeoutMs} ms`),
  );
}

interface AuthSession {
  sessionId: string;
  loginUrl: string;
  expiresAt: string;
  device?: unknown;
  deviceUnavailable?: string | null;
}

interface AuthStatus {
  status: "pending" | "completed" | "failed" | "expired";
  userToken: SealedValue | null;
  error?: { code: string; message: string } | null;
}

function claimsOf(jwt: string): { sub?: unknown; exp?: unknown } {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return {};
  }
}

/** The OIDC login through the vault; installs the user's token as the identity source. */
/** @internal */
export async function runAuthenticate(transport: VaultRequests, identity: IdentitySource, options: FlowOptions, logger: Logger | undefined): Promise<AuthenticateResult> {
  const flow = checkFlowOptions(options, "authenticate");
  const chosen = chooseFlow(options.flow, options.openBrowser);
  const created = await transport.request<AuthSession>("POST", "/v1/auth/sessions", { body: chosen === "device" ? { flow: "device" } : {} });
  const ran = await presentSession({ url: created.data.loginUrl, device: created.data.device, deviceUnavailable: created.data.deviceUnavailable }, chosen, options, "Sign in", logger);
  const token = await pollUntil(
    async () => {
      const res = await transport.request<AuthStatus>("GET", `/v1/auth/sessions/${encodeURIComponent(created.data.sessionId)}`, { signal: platformSignal(options.signal) });
      switch (res.data.status) {
        case "pending":
          return undefined;
        case "completed": {
          if (!res.data.userToken) {
            throw new AlterSDKError("auth_token_consumed", "the login completed, but its token was already collected by another poll; call authenticate() again");
          }
          const sealed = transport.unseal(res.data.userToken, res.nonce) as unknown;
          // The plaintext is JSON: a bare string, or an object carrying the ID token.
          const value =
            typeof sealed === "string" ? sealed : ((sealed as { idToken?: unknown; token?: unknown } | null)?.idToken ?? (sealed as { token?: unknown } | null)?.token);
          if (typeof value !== "string" || value === "") throw new AlterSDKError("invalid_response", "the vault returned a user token that is not a string");
          return value;
        }
        case "expired":
          if (res.data.error?.code === "device_code_expired") throw new DeviceCodeExpiredError(res.data.error.message);
          throw new ConnectTimeoutError("the login session expired before the user signed in");
        default:
          if (res.data.error?.code === "auth_denied") throw new ConnectDeniedError(res.data.error.message);
          throw new ConnectFlowError("auth_failed", res.data.error?.message ?? "the login at the identity provider failed", false);
      }
    },
    { ...flow, signal: options.signal },
    () => new ConnectTimeoutError(`the login did not finish within ${flow.timeoutMs} ms`),
  );
  identity.setAuthenticated(token);
  const claims = claimsOf(token);
  return {
    subject: typeof claims.sub === "string" ? claims.sub : undefined,
    expiresAt: typeof claims.exp === "number" ? new Date(claims.exp * 1000) : undefined,
    flow: ran,
  };
}
