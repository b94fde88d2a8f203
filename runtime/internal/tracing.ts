// Optional OpenTelemetry tracing: the `tracing` option of AlterVault, and the lazy load of
// @opentelemetry/api (an optional peer). Nothing here runs unless tracing is enabled: without it
// `env.tracing` is undefined and the call path never looks further, so a user who does not trace
// neither installs the package nor pays for it. The spans themselves are made in trace-spans.ts.
import { AlterValueError } from "../errors.js";
import { SDK_VERSION } from "../version.js";
import type { OtelApi, OtelContext, OtelSpan, OtelTracer, OtelTracerProvider } from "./otel-types.js";

/** The public option (AlterVaultOptions.tracing); typed without naming OpenTelemetry's types. */
export type TracingOption = boolean | { tracerProvider?: unknown };

export const TRACER_NAME = "alter-gen";

/**
 * The key @opentelemetry/core's `suppressTracing` sets. `createContextKey` makes
 * `Symbol.for(description)`, so this is the same key without depending on @opentelemetry/core.
 * The SDK's tracer starts a non-recording span under it, and the W3C propagator injects nothing:
 * that is how undici's own instrumentation is kept off a request alter-gen already traces.
 */
const SUPPRESS_TRACING = "OpenTelemetry SDK Context Key SUPPRESS_TRACING";

export class Tracing {
  api: OtelApi | undefined;
  tracer: OtelTracer | undefined;
  #suppressKey: symbol | undefined;
  #loading: Promise<void> | undefined;
  #failed = false;
  /** No context manager was found; said once, when a span is first really recorded. */
  #contextless = false;
  readonly #provider: OtelTracerProvider | undefined;
  readonly #warn: (message: string) => void;

  constructor(provider: OtelTracerProvider | undefined, warn: (message: string) => void) {
    this.#provider = provider;
    this.#warn = warn;
  }

  /** Whether the API failed to load (tracing then stays off for this vault). */
  get failed(): boolean {
    return this.#failed;
  }

  /** Loads @opentelemetry/api once; never rejects. */
  load(): Promise<void> {
    this.#loading ??= import("@opentelemetry/api").then(
      (module) => {
        // The ESM build's default export lacks some functions; the CommonJS one has only it.
        const api = (typeof (module as { createContextKey?: unknown }).createContextKey === "function" ? module : module.default) as unknown as OtelApi;
        try {
          this.#ready(api);
        } catch (error) {
          // The error's name only: a tracer provider's message is not ours to vouch for.
          this.#fail(`the tracer provider could not make a tracer (${error instanceof Error ? error.name : typeof error})`);
        }
      },
      () => this.#fail("@opentelemetry/api could not be loaded (is it installed?)"),
    );
    return this.#loading;
  }

  #fail(why: string): void {
    this.#failed = true;
    this.api = undefined;
    this.#warn(`alter-gen: tracing is enabled but ${why}; calls are not traced`);
  }

  /** `context` with tracing suppressed for whatever instrumentation runs inside it. */
  suppressed(context: OtelContext): OtelContext {
    return context.setValue(this.#suppressKey!, true);
  }

  #ready(api: OtelApi): void {
    this.#suppressKey = api.createContextKey(SUPPRESS_TRACING);
    this.tracer = (this.#provider ?? api.trace).getTracer(TRACER_NAME, SDK_VERSION);
    this.api = api;
    // Without a context manager (the SDK's NodeSDK and NodeTracerProvider register one) spans
    // cannot nest, and undici's instrumentation cannot be told to skip our requests.
    const probe = api.context.active().setValue(this.#suppressKey, false);
    this.#contextless = api.context.with(probe, () => api.context.active()) !== probe;
  }

  /** Warns about a missing context manager once a span is recorded (not with the API's no-op tracer). */
  recorded(span: OtelSpan): void {
    if (!this.#contextless || !span.isRecording()) return;
    this.#contextless = false;
    this.#warn("alter-gen: tracing is enabled but no OpenTelemetry context manager is registered; spans will not nest, and an HTTP instrumentation may record provider requests on its own");
  }
}

/** Checks the option and makes the vault's tracing state; undefined when tracing is off. */
export function createTracing(option: unknown, warn: (message: string) => void): Tracing | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return new Tracing(undefined, warn);
  if (option !== null && typeof option === "object" && !Array.isArray(option)) {
    const provider = (option as { tracerProvider?: unknown }).tracerProvider;
    if (provider === undefined) return new Tracing(undefined, warn);
    if (provider !== null && typeof (provider as { getTracer?: unknown }).getTracer === "function") return new Tracing(provider as OtelTracerProvider, warn);
    throw new AlterValueError("tracing.tracerProvider must be an OpenTelemetry TracerProvider (an object with getTracer)");
  }
  throw new AlterValueError("tracing must be true, false or { tracerProvider }");
}

/**
 * Runs `traced` once the API is loaded, `plain` when tracing could not start. The first traced
 * call of a vault waits for the import; later ones go straight on.
 */
export function whenLoaded<R>(tracing: Tracing, traced: (t: Tracing) => Promise<R>, plain: () => Promise<R>): Promise<R> {
  if (tracing.api) return traced(tracing);
  if (tracing.failed) return plain();
  return tracing.load().then(() => (tracing.api ? traced(tracing) : plain()));
}
