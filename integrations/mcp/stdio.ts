// The stdio transport, for a host that starts the server as a child process: one connection,
// no bearer token, so calls use the server's configured grant (a system grant) or the vault's
// own token sources. stdout belongs to the protocol; nothing else may write there.
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { AlterMcpServer } from "./server.js";

export function serveMcpStdio(server: AlterMcpServer, options: { onerror?: (error: Error) => void } = {}): { close(): Promise<void> } {
  return serveStdio(() => server.createServer(), options.onerror ? { onerror: options.onerror } : {});
}
