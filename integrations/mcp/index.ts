// alter-gen/mcp: a generated client's tools offered over the Model Context Protocol, on the
// official TypeScript SDK (@modelcontextprotocol/server, an optional peer dependency).
export { createMcpServer, AWAIT_APPROVAL_TOOL, type AlterMcpServer, type CreateMcpServerOptions, type McpTool, type ToolCallRequest } from "./server.js";
export { createMcpFetchHandler, serveMcpHttp, type McpFetchHandler, type McpFetchOptions, type McpHttpAuth, type RunningMcpHttp, type ServeMcpHttpOptions } from "./http.js";
export { serveMcpStdio } from "./stdio.js";
export { chooseMode, AUTO_MAX_BYTES, AUTO_MAX_TOOLS, type ModeChoice, type ToolMode } from "./mode.js";
export { CALL_TOOL, DESCRIBE_TOOL, SEARCH_TOOL } from "./dynamic.js";
export { unmatchedPatterns, type ToolSelection, type OfferedTool } from "./selection.js";
export type { ToolAnswer } from "./outcome.js";
export type { McpOutputSchema } from "./output.js";
