// The part of @opentelemetry/api the runtime uses, described structurally. The runtime never
// imports the package's types: its published declarations would then name a package the user
// may not have installed (it is an optional peer), and a project compiled without skipLibCheck
// would fail. The module itself is loaded with a dynamic import only when tracing is enabled.

export type OtelAttributeValue = string | number | boolean;
export type OtelAttributes = Record<string, OtelAttributeValue>;

/** An immutable OpenTelemetry Context. */
export interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
}

export interface OtelSpan {
  setAttribute(key: string, value: OtelAttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
  isRecording(): boolean;
}

export interface OtelTracer {
  startSpan(name: string, options?: { kind?: number; attributes?: OtelAttributes }, context?: OtelContext): OtelSpan;
}

export interface OtelTracerProvider {
  getTracer(name: string, version?: string): OtelTracer;
}

/** The @opentelemetry/api module: the members used. */
export interface OtelApi {
  trace: OtelTracerProvider & { setSpan(context: OtelContext, span: OtelSpan): OtelContext };
  context: {
    active(): OtelContext;
    with<R>(context: OtelContext, fn: () => R): R;
  };
  createContextKey(description: string): symbol;
}

/** The API's enum values (stable since 1.0; read as numbers so the enums need not be imported). */
export const SPAN_KIND_INTERNAL = 0;
export const SPAN_KIND_CLIENT = 2;
export const STATUS_ERROR = 2;
