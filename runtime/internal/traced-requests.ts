// The vault requests that are not part of a provider call (grants, connect and sign-in sessions)
// get a CLIENT span each, as the call path's vault requests do (envelope.ts): a VaultTransport
// seen through this wrapper spans every request when tracing is on, and is the transport itself
// when it is off.
import type { Tracing } from "./tracing.js";
import { whenLoaded } from "./tracing.js";
import { traceVaultRequest } from "./trace-spans.js";
import type { TransportRequestOptions, TransportResponse, VaultTransport } from "./transport.js";

/** What the management modules (grants.ts, connect.ts) use of the transport. */
export type VaultRequests = Pick<VaultTransport, "request" | "unseal">;

// A path segment after one of these is an id: the span's name and url.template show `{id}`.
const ID_AFTER: Record<string, string> = { sessions: "{sessionId}", grants: "{grantId}", approvals: "{approvalId}" };

/** `/v1/grants/3f…/revoke?x=1` -> `/v1/grants/{grantId}/revoke`. */
export function vaultPathTemplate(path: string): string {
  const segments = path.split("?")[0]!.split("/");
  return segments.map((s, i) => (i > 0 && s !== "" && ID_AFTER[segments[i - 1]!] ? ID_AFTER[segments[i - 1]!]! : s)).join("/");
}

export function tracedRequests(transport: VaultTransport, tracing: Tracing | undefined): VaultRequests {
  if (tracing === undefined) return transport;
  return {
    request<T>(method: string, path: string, options?: TransportRequestOptions): Promise<TransportResponse<T>> {
      const send = () => transport.request<T>(method, path, options);
      return whenLoaded(tracing, (t) => traceVaultRequest(t, transport.baseUrl, method, path, vaultPathTemplate(path), send), send);
    },
    unseal: (sealed, nonce) => transport.unseal(sealed, nonce),
  };
}
