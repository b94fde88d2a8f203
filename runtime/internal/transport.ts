// The signed client of the vault protocol (docs/protocol.md). Every request is signed (RFC 9421)
// with a key derived from the API key, every answer must carry the vault's signature bound to
// that request, and nothing the vault says is trusted before that check. It owns its own undici
// Agent so vault traffic never shares connections with provider traffic.
import type { KeyObject } from "node:crypto";
import { inspect } from "node:util";
import { Agent, errors as undiciErrors } from "undici";
import {
  AlterSDKError,
  AlterValueError,
  BackendError,
  NetworkError,
  SignatureError,
  TimeoutError,
  type SignatureErrorCode,
} from "../errors.js";
import { errorFromEnvelope } from "../error-envelope.js";
import { SIGNATURE_CODES } from "../../protocol/errors.js";
import { sdkError } from "./protocol-errors.js";
import { ApiKey, parseSigningKey } from "./keys.js";
import { redactUrl } from "../../protocol/redact.js";
import { unseal as openSealed, type SealedValue } from "../../protocol/seal.js";
import { FrameSplitter, STREAM_CONTENT_TYPE, STREAM_HEAD } from "../../protocol/stream-frames.js";
import { framedBody } from "./vault-stream.js";
import { signVaultRequest, verifyVaultAnswer, type RequestSigner, type SignedVaultRequest, type VaultAnswer } from "./signed-exchange.js";

export interface TransportLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface VaultTransportOptions {
  /** The vault's base URL, e.g. `http://127.0.0.1:8787` or `https://vault.example.com/alter`. */
  baseUrl: string;
  /** The parsed API key (a string is parsed, and rejected with AlterValueError when malformed). */
  apiKey: ApiKey | string;
  /** An Ed25519 private key registered with the vault: requests are then signed with ed25519. */
  signingKey?: KeyObject | string;
  /** Whole-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Allows `http://` to a host that is not loopback. Credentials are still sealed. */
  allowInsecureHttp?: boolean;
  logger?: TransportLogger;
  /** Sent as User-Agent. */
  userAgent?: string;
  /** Maximum connections to the vault (default 32). */
  connections?: number;
}

export interface TransportRequestOptions {
  /** Serialised as JSON. */
  body?: unknown;
  /** The end user's IDP JWT, sent as Alter-User-Token and covered by the signature. */
  userToken?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** A streamed answer is accepted (proxy `stream: true`): its head is `data`, its body `stream`. */
  stream?: boolean;
}

export interface TransportResponse<T> {
  status: number;
  data: T;
  /** The nonce of the request's signature: the key to unseal values in `data`. */
  nonce: string;
  /** The body after a streamed answer's verified head (vault-stream.ts). */
  stream?: ReadableStream<Uint8Array>;
}

/** A streamed answer's frames after its head, as #send leaves them. */
interface StreamRest {
  chunks: AsyncIterator<Uint8Array>;
  splitter: FrameSplitter;
  queued: Uint8Array[];
  destroy(): void;
  done(): void;
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(h) || h === "[::1]";
}

function parseBaseUrl(value: unknown, allowInsecureHttp: boolean): { origin: string; basePath: string } {
  if (typeof value !== "string" || value === "") throw new AlterValueError("baseUrl is missing: pass the vault's URL");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlterValueError("baseUrl is not an absolute URL (expected e.g. https://vault.example.com)");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AlterValueError(`baseUrl must use https (or http to a loopback host), not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") throw new AlterValueError("baseUrl must not contain credentials");
  if (url.search !== "" || url.hash !== "") throw new AlterValueError("baseUrl must not have a query or fragment");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    throw new AlterValueError(
      `baseUrl ${url.origin} is plain http to a host that is not loopback; use https, or set allowInsecureHttp if you really mean it`,
    );
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, "") };
}

/** The signed vault client. One per SDK instance; `close()` releases its connections. */
export class VaultTransport {
  readonly baseUrl: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #apiKey: ApiKey;
  readonly #signer: RequestSigner;
  readonly #responseKey: Uint8Array;
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #logger: TransportLogger | undefined;
  readonly #userAgent: string;
  #warnedDeprecated = false;
  #closed = false;

  constructor(options: VaultTransportOptions) {
    const { origin, basePath } = parseBaseUrl(options.baseUrl, options.allowInsecureHttp ?? false);
    this.#origin = origin;
    this.#basePath = basePath;
    this.baseUrl = origin + basePath;
    this.#apiKey = options.apiKey instanceof ApiKey ? options.apiKey : ApiKey.parse(options.apiKey, "apiKey");
    const keys = this.#apiKey.derivedKeys;
    this.#signer = {
      keyId: this.#apiKey.keyId,
      key:
        options.signingKey === undefined
          ? { alg: "hmac-sha256", key: keys.requestSigning }
          : { alg: "ed25519", key: parseSigningKey(options.signingKey, "signingKey") },
    };
    this.#responseKey = keys.responseSigning;
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new AlterValueError("timeoutMs must be a positive number of milliseconds");
    this.#timeoutMs = timeoutMs;
    this.#logger = options.logger;
    this.#userAgent = options.userAgent ?? "alter-gen-runtime";
    this.#agent = new Agent({ connections: options.connections ?? 32, keepAliveTimeout: 10_000 });
  }

  /** The API key's public id. */
  get keyId(): string {
    return this.#apiKey.keyId;
  }

  /**
   * Sends a signed request to `path` (e.g. `/v1/credentials/retrieve`) and returns the verified
   * answer. Throws SignatureError when the answer is not the vault's answer to this request, the
   * class of the vault's error code for 4xx/5xx envelopes, NetworkError/TimeoutError when the
   * vault cannot be reached.
   */
  async request<T>(method: string, path: string, options: TransportRequestOptions = {}): Promise<TransportResponse<T>> {
    if (this.#closed) throw new AlterSDKError("client_closed", "this vault client was closed");
    if (!path.startsWith("/")) throw new AlterValueError(`vault path must start with /: ${redactUrl(path)}`);
    if (!/^[A-Z]+$/.test(method)) throw new AlterValueError(`vault request method must be an upper-case HTTP method, not ${JSON.stringify(method.slice(0, 20))}`);
    const requestPath = this.#basePath + path;
    const url = this.#origin + requestPath;
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body), "utf8");
    const userToken = options.userToken;
    if (userToken !== undefined && (userToken === "" || /[\r\n]/.test(userToken))) {
      throw new AlterValueError("the user token must be a non-empty single-line string");
    }

    const headers: Record<string, string> = { accept: "application/json", "user-agent": this.#userAgent };
    const signed = signVaultRequest({ method, url, body, userToken }, this.#signer, headers);

    const { status, responseHeaders, responseBody, rest } = await this.#send(method, requestPath, headers, body, options);
    this.#logger?.debug?.(`vault ${method} ${redactUrl(path)} -> ${status}`);

    const envelope = () => {
      try {
        return responseBody.length === 0 ? undefined : (JSON.parse(responseBody.toString("utf8")) as unknown);
      } catch {
        return undefined;
      }
    };

    if (responseHeaders["signature"] === undefined && responseHeaders["signature-input"] === undefined) {
      rest?.destroy();
      rest?.done();
      if (status === 401) {
        // A vault that cannot find our key cannot sign its answer; its code is a hint only.
        const parsed = envelope() as { error?: { code?: unknown } } | undefined;
        const code = parsed?.error?.code;
        const sigCode = (typeof code === "string" && SIGNATURE_CODES.has(code) ? code : "signature_missing") as SignatureErrorCode;
        const why =
          sigCode === "unknown_key"
            ? `unknown API key: the vault at ${this.baseUrl} has no key with id ${this.#apiKey.keyId} (is ALTER_API_KEY from another vault, or from a data folder made again with \`vault init\`?)`
            : `the vault refused the request with an unsigned 401 (${sigCode})`;
        throw new SignatureError(sigCode, `${why}; unverified: the answer was not signed`, { unverified: true });
      }
      if (status === 502 || status === 503 || status === 504) {
        // Typically a proxy in front of the vault; nothing of the answer is used, only retried.
        throw new NetworkError(`the vault is unavailable (unsigned ${status}, probably from a proxy in front of it)`, { code: "vault_unavailable" });
      }
      throw new SignatureError("signature_missing", `the vault's answer (${status}) is not signed`);
    }

    try {
      this.#verifyAnswer({ status, headers: responseHeaders, body: responseBody }, signed);
      // The stream's content type is signed; so is Alter-Stream, which says the digest covers the head.
      if (rest && headerString(responseHeaders["alter-stream"]) !== STREAM_HEAD) throw new SignatureError("signature_invalid", "the vault's streamed answer does not say what its digest covers (Alter-Stream)");
    } catch (error) {
      rest?.destroy();
      rest?.done();
      throw error;
    }

    const deprecated = headerString(responseHeaders["alter-key-deprecated"]);
    if (deprecated !== undefined && !this.#warnedDeprecated) {
      this.#warnedDeprecated = true;
      const message = `alter-gen: API key ${this.#apiKey.keyId} is deprecated and stops working after ${deprecated.slice(0, 40)}; rotate it`;
      if (this.#logger !== undefined) this.#logger.warn(message);
      else process.emitWarning(message, { code: "ALTER_KEY_DEPRECATED" });
    }

    if (status >= 400) throw errorFromEnvelope(status, envelope());
    let data: T;
    try {
      data = (responseBody.length === 0 ? undefined : JSON.parse(responseBody.toString("utf8"))) as T;
    } catch {
      rest?.destroy();
      rest?.done();
      throw new BackendError("invalid_response", `the vault's ${status} answer is not JSON`, { status });
    }
    if (rest) {
      const stream = framedBody({ ...rest, key: this.#responseKey, signature: headerString(responseHeaders.signature)!, signal: options.signal });
      return { status, data, nonce: signed.nonce, stream };
    }
    return { status, data, nonce: signed.nonce };
  }

  /**
   * Checks the answer's signature. A 401 that does not verify with our key most likely means the
   * vault knows the key id but not this secret (a mistyped key, or one from an earlier `vault
   * init`): it signed the refusal with the real key's secret, which we do not have.
   */
  #verifyAnswer(answer: VaultAnswer, signed: SignedVaultRequest): void {
    try {
      verifyVaultAnswer(answer, signed, this.#apiKey.keyId, this.#responseKey);
    } catch (error) {
      if (answer.status === 401 && error instanceof SignatureError && error.code === "signature_invalid") {
        throw new SignatureError(
          "signature_invalid",
          `unknown API key: the vault at ${this.baseUrl} refused API key ${this.#apiKey.keyId} and its answer does not verify with this key's secret (is ALTER_API_KEY mistyped, or from an earlier \`vault init\`?); unverified`,
          { unverified: true },
        );
      }
      throw error;
    }
  }

  /** `GET /v1/health` (unsigned): whether the vault answers, and its version. */
  async health(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ ok: boolean; version?: string; protocol?: number }> {
    if (this.#closed) throw new AlterSDKError("client_closed", "this vault client was closed");
    const { status, responseBody } = await this.#send("GET", `${this.#basePath}/v1/health`, { accept: "application/json", "user-agent": this.#userAgent }, undefined, options);
    if (status !== 200) throw new BackendError("unhealthy", `the vault's health check answered ${status}`, { status, retryable: true });
    try {
      return JSON.parse(responseBody.toString("utf8")) as { ok: boolean; version?: string; protocol?: number };
    } catch {
      throw new BackendError("invalid_response", "the vault's health answer is not JSON", { status });
    }
  }

  /** Opens a sealed value from the answer to the request signed with `nonce`. */
  unseal<T = unknown>(sealed: SealedValue | unknown, nonce: string): T {
    try {
      return openSealed<T>(sealed, this.#apiKey.derivedKeys.credentialSealing, nonce);
    } catch (error) {
      throw sdkError(error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toJSON(): { baseUrl: string; keyId: string } {
    return { baseUrl: this.baseUrl, keyId: this.#apiKey.keyId };
  }

  [inspect.custom](): string {
    return `VaultTransport { baseUrl: '${this.baseUrl}', keyId: '${this.#apiKey.keyId}' }`;
  }

  async #send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    options: { signal?: AbortSignal; timeoutMs?: number; stream?: boolean },
  ): Promise<{ status: number; responseHeaders: Record<string, string | string[] | undefined>; responseBody: Buffer; rest?: StreamRest }> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const userSignal = options.signal;
    // A streamed answer keeps the caller's signal wired to the request until the stream ends.
    let keepListening = false;
    const onAbort = () => controller.abort(userSignal?.reason);
    if (userSignal !== undefined) {
      if (userSignal.aborted) {
        clearTimeout(timer);
        throw userSignal.reason;
      }
      userSignal.addEventListener("abort", onAbort, { once: true });
    }
    try {
      const res = await this.#agent.request({
        origin: this.#origin,
        path,
        method: method as "GET",
        headers,
        body: body ?? null,
        signal: controller.signal,
      });
      if (options.stream && headerString(res.headers["content-type"]) === STREAM_CONTENT_TYPE) {
        // Only the head is read here; the time limit covers it, the caller's signal the rest.
        const { head, rest } = await readHead(res.body, () => userSignal?.removeEventListener("abort", onAbort));
        keepListening = true;
        return { status: res.statusCode, responseHeaders: res.headers, responseBody: head, rest };
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_RESPONSE_BYTES) {
          res.body.destroy();
          throw new BackendError("invalid_response", "the vault's answer is too large", { status: res.statusCode });
        }
        chunks.push(chunk as Buffer);
      }
      const responseBody = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      return { status: res.statusCode, responseHeaders: res.headers, responseBody };
    } catch (error) {
      if (error instanceof AlterSDKError) throw error;
      if (timedOut) throw new TimeoutError(`the vault did not answer ${method} ${path} within ${timeoutMs} ms`, { cause: error });
      if (userSignal?.aborted) throw userSignal.reason;
      throw new NetworkError(`could not reach the vault at ${this.#origin} (${describeNetworkError(error)})`, { cause: error });
    } finally {
      clearTimeout(timer);
      if (!keepListening) userSignal?.removeEventListener("abort", onAbort);
    }
  }
}

/** Reads a streamed answer up to its head frame; what follows is left for vault-stream.ts. */
async function readHead(body: AsyncIterable<unknown> & { destroy(): unknown }, done: () => void): Promise<{ head: Buffer; rest: StreamRest }> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const splitter = new FrameSplitter();
  const queued: Uint8Array[] = [];
  const destroy = () => void body.destroy();
  try {
    while (queued.length === 0) {
      const r = await chunks.next();
      if (r.done) throw new NetworkError("the vault's streamed answer ended before its head", { code: "stream_truncated" });
      queued.push(...splitter.push(r.value));
    }
  } catch (error) {
    destroy();
    if (error instanceof RangeError) throw new SignatureError("signature_invalid", `the vault's streamed answer is not framed as the protocol says (${error.message})`);
    throw error;
  }
  const head = Buffer.from(queued.shift()!);
  return { head, rest: { chunks, splitter, queued, destroy, done } };
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") return code;
  if (error instanceof undiciErrors.UndiciError) return error.name;
  return error instanceof Error ? error.name : "unknown error";
}
