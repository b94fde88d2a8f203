// Turns a generated operation table into callable methods. Method objects are built on first
// property access and cached: a client for Microsoft Graph (11k operations) costs nothing until
// an operation is used.
import { platformSignal } from "./internal/abort.js";
import type { CallOptions, ClientDefaults, GrantRef, OperationSpec, OperationTable, ProviderSpec } from "./operation.js";
import type { AlterVault } from "./vault.js";
import { internalsOf } from "./vault.js";
import { executeCall, type CallEnv, type CallInput } from "./internal/call.js";
import { planCall, type CallPlan } from "./internal/call-plan.js";
import { representedOperation } from "./internal/representation.js";
import { iterateItems, iteratePages, type PageCursor } from "./internal/paginate.js";
import { AlterValueError, ProviderAPIError } from "./errors.js";

type AnyParams = Record<string, unknown> | undefined;

function makeMethod(env: CallEnv, provider: ProviderSpec, op: OperationSpec, defaults: ClientDefaults | undefined) {
  // Worked out on the first call (an error here, such as a base URL still holding a
  // `{variable}`, surfaces from that call and from every call until it is fixed).
  let plan: CallPlan | undefined;
  // Only ever called inside an async function, so a throw becomes that call's rejection.
  const input = (grant: GrantRef, params: AnyParams, options: CallOptions | undefined, cursor?: PageCursor): CallInput => {
    // Another representation (`accept`): the operation with its Accept and response kind, and
    // that operation's own cached plan.
    const accept = (options as { accept?: unknown } | undefined)?.accept;
    const chosen = accept === undefined ? op : representedOperation(op, accept);
    return {
      provider,
      op: chosen,
      grant,
      params,
      options,
      defaults,
      cursor,
      plan: chosen === op ? (plan ??= planCall(provider, op, defaults)) : planCall(provider, chosen, defaults),
    };
  };
  const run = async (grant: GrantRef, params: AnyParams, options: CallOptions | undefined, cursor?: PageCursor) =>
    executeCall(env, input(grant, params, options, cursor));

  const method = async (grant: GrantRef, params?: AnyParams, options?: CallOptions) => (await executeCall(env, input(grant, params, options))).data;
  method.withResponse = async (grant: GrantRef, params?: AnyParams, options?: CallOptions) => {
    const { data, status, headers, requestId } = await run(grant, params, options);
    return { data, status, headers, requestId };
  };
  method.isError = (error: unknown): error is ProviderAPIError => error instanceof ProviderAPIError && error.operationId === op.id;

  if (op.paginate) {
    const style = provider.pagination;
    const pages = (grant: GrantRef, params?: AnyParams, options?: CallOptions) => {
      if (!style) throw new AlterValueError(`${op.id} is paginated, but provider ${provider.id} declares no pagination style`);
      if ((options as { stream?: unknown } | undefined)?.stream) {
        throw new AlterValueError(`${op.id}: options.stream cannot be used with pages() or paginate(): each page is decoded to find the next`, "invalid_option");
      }
      return iteratePages(
        style,
        op,
        params ?? {},
        async (cursor) => {
          const r = await run(grant, params, options, cursor);
          return { data: r.data, url: r.url, headers: r.headers };
        },
        platformSignal(options?.signal),
      );
    };
    Object.assign(method, {
      pages,
      paginate: (grant: GrantRef, params?: AnyParams, options?: CallOptions) => iterateItems(pages(grant, params, options), op.paginate?.items),
    });
  }
  Object.defineProperty(method, "name", { value: op.id });
  return Object.freeze(method);
}

/**
 * Binds `operations` to `vault`. `M` is the generated `<Namespace>Methods` interface; the
 * returned object has one method per table key, created lazily.
 */
export function bindOperations<M>(vault: AlterVault, provider: ProviderSpec, operations: OperationTable, defaults?: ClientDefaults): M {
  const env = internalsOf(vault);
  const cache = new Map<string, unknown>();
  const frozenDefaults = defaults ? Object.freeze({ ...defaults, headers: defaults.headers ? { ...defaults.headers } : undefined }) : undefined;
  const target = Object.create(null) as Record<string, unknown>;
  const get = (key: string | symbol): unknown => {
    if (typeof key !== "string" || !Object.hasOwn(operations, key)) return undefined;
    let m = cache.get(key);
    if (m === undefined) {
      m = makeMethod(env, provider, operations[key]!, frozenDefaults);
      cache.set(key, m);
    }
    return m;
  };
  return new Proxy(target, {
    get: (_t, key) => get(key),
    has: (_t, key) => typeof key === "string" && Object.hasOwn(operations, key),
    ownKeys: () => Object.keys(operations),
    getOwnPropertyDescriptor(_t, key) {
      if (typeof key !== "string" || !Object.hasOwn(operations, key)) return undefined;
      return { configurable: true, enumerable: true, writable: false, value: get(key) };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  }) as M;
}
