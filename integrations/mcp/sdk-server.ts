// The MCP SDK's low-level Server of one HTTP request or one stdio connection. The SDK refuses an
// instance that is still serving another request, so each request gets its own Server; what does
// not depend on the request is made once here and shared: the server's name and instructions, the
// tools/list answer (deep-frozen: nothing a request does can change another's list), and the two
// handlers. Identity is never shared: the tools/call handler reads the request's bearer token from
// that request's own context (`ctx.http.authInfo`) and hands it to callTool, which runs the call
// inside vault.withUserToken (an AsyncLocalStorage scope of that call alone).
import { CLIENT_CAPABILITIES_META_KEY, inputRequired, Server, type ClientCapabilities, type ServerContext } from "@modelcontextprotocol/server";
import type { McpTool } from "./listing.js";
import type { ToolAnswer } from "./outcome.js";

export interface SdkServerParts {
  name: string;
  version: string;
  instructions: string;
  tools: readonly McpTool[];
  /** createMcpServer's callTool (server.ts: ToolCallRequest, written out here so neither module imports the other). */
  callTool(name: string, args: unknown, request: { userToken?: string; meta?: Record<string, unknown>; signal?: AbortSignal }): Promise<ToolAnswer>;
}

type CallRequest = { params: { name: string; arguments?: Record<string, unknown> } };

/** A factory of per-request Servers over parts made once. */
export function sdkServerFactory(parts: SdkServerParts): () => Server {
  const info = { name: parts.name, version: parts.version };
  const serverOptions = { capabilities: { tools: {} }, instructions: parts.instructions };
  const listAnswer = deepFreeze({ tools: parts.tools.map((t) => structuredClone(t)) });
  const list = async () => listAnswer;

  async function call(request: CallRequest, ctx: ServerContext, mcp: Server) {
    const token = ctx.http?.authInfo?.token;
    const answer = await parts.callTool(request.params.name, request.params.arguments, {
      ...(token ? { userToken: token } : {}),
      ...(ctx.mcpReq._meta ? { meta: ctx.mcpReq._meta as Record<string, unknown> } : {}),
      signal: ctx.mcpReq.signal,
    });
    // A client that can open URLs for its user gets the connect link as a URL elicitation
    // (multi-round-trip: the client shows it, then sends the call again). Once the user has
    // answered it, a call that still finds no grant ends with the tool error.
    const connectUrl = (answer._meta?.["alter-gen/error"] as { connectUrl?: string } | undefined)?.connectUrl;
    const envelope = ctx.mcpReq.envelope as Record<string, ClientCapabilities | undefined> | undefined;
    const caps = envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? mcp.getClientCapabilities();
    if (connectUrl && caps?.elicitation?.url && ctx.mcpReq.inputResponses?.connect === undefined) {
      return inputRequired({ inputRequests: { connect: inputRequired.elicitUrl({ url: connectUrl, message: answer.content[0]?.text ?? "Connect the account" }) } });
    }
    return answer;
  }

  return () => {
    const mcp = new Server(info, serverOptions);
    mcp.setRequestHandler("tools/list", list);
    // The one closure per request: the client capabilities live on this request's Server.
    mcp.setRequestHandler("tools/call", (request, ctx) => call(request, ctx, mcp));
    return mcp;
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
