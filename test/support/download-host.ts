// A second loopback host for redirect tests: where GitHub's archive redirect points
// (codeload.github.com, a host outside any grant), on another address (127.0.0.2 by default)
// so it is a different URL host from the stand-in's. It has no OpenAPI document: it records
// every request as received (method, URL, headers, body) and answers with what the test set.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Lower-cased names, as received. */
  headers: Record<string, string>;
  body: string;
}

export interface HostAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Writes the body itself after the head (a large or slow download, a failure midway); `body` is then ignored. */
  write?: (res: ServerResponse) => void;
  /** Waits this long before the head (a slow host). */
  delayMs?: number;
}

export interface DownloadHost {
  /** `http://127.0.0.2:<port>` */
  origin: string;
  /** `URL.host` of `origin`. */
  host: string;
  received: ReceivedRequest[];
  /** What every request is answered with from now on (default: 200 with an empty body). */
  answer(fn: (req: ReceivedRequest) => HostAnswer): void;
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("latin1");
}

export async function startDownloadHost(address = "127.0.0.2"): Promise<DownloadHost> {
  const received: ReceivedRequest[] = [];
  let respond: (req: ReceivedRequest) => HostAnswer = () => ({ status: 200 });
  const server = createServer((req, res) => {
    void readAll(req).then((body) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      const r: ReceivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers,
        body,
      };
      received.push(r);
      const a = respond(r);
      if (a.delayMs) return void setTimeout(() => send(res, a), a.delayMs);
      send(res, a);
    });
  });
  const send = (res: ServerResponse, a: HostAnswer) => {
    res.writeHead(a.status, {
      "content-type": "application/octet-stream",
      ...a.headers,
    });
    if (a.write) a.write(res);
    else res.end(a.body ?? "");
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${address}:${port}`,
    host: `${address}:${port}`,
    received,
    answer(fn) {
      respond = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
