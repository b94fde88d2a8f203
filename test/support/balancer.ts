// A small HTTP load balancer on loopback, in front of several vault instances: what a team puts
// before them. Requests go round-robin to the instances (or where `pick` sends them), with the
// request's bytes as the client sent them (raw header names and values, the body), so a signed
// request verifies on whichever instance gets it: every instance is started with
// `--public-url <balancer URL>`, the URL the SDK signs for.
//
// An instance that refuses the connection (its process is gone) is skipped and the next one is
// tried: nothing was sent, so that is safe. A connection that breaks after the request went out
// is NOT retried here (the instance may have acted on it; a signed request sent again would be a
// replay): the client's connection is destroyed, exactly what a direct client would see, and the
// client decides whether to retry with a freshly signed request.
//
//   const lb = await startBalancer();
//   lb.setBackends([a.url, b.url]);
//   lb.served  // how many requests each backend answered, by URL
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface LoggedRequest {
  /** performance.now() when the request had arrived whole. */
  at: number;
  method: string;
  path: string;
  /** The instance it was sent to last (after skipping refused ones). */
  backend: string | undefined;
  outcome: number | "broken" | "pending";
}

export interface Balancer {
  readonly url: string;
  setBackends(urls: string[]): void;
  /** Chooses the backend of one request (index into the backends); default round-robin. */
  pick: ((req: IncomingMessage, backends: readonly string[]) => number) | undefined;
  /** Requests answered per backend URL (status line received from it). */
  readonly served: Map<string, number>;
  /** Every request, in arrival order: where it went and how it ended (a status, or "broken"). */
  readonly log: readonly LoggedRequest[];
  /** Requests whose backend connection broke after the request was sent (client connection destroyed). */
  readonly broken: number;
  close(): Promise<void>;
}

export async function startBalancer(): Promise<Balancer> {
  let backends: string[] = [];
  let next = 0;
  let broken = 0;
  const served = new Map<string, number>();
  const log: LoggedRequest[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, order: string[], entry: (typeof log)[number]) => {
    const target = order.shift();
    entry.backend = target;
    if (!target) {
      entry.outcome = 502;
      res.writeHead(502, { "content-type": "text/plain" }).end("no vault instance accepted the connection\n");
      return;
    }
    const u = new URL(target);
    const out = request({ host: u.hostname, port: u.port, method: req.method, path: req.url, headers: req.rawHeaders, agent, setHost: false });
    out.on("response", (up) => {
      served.set(target, (served.get(target) ?? 0) + 1);
      entry.outcome = up.statusCode ?? 502;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders);
      up.pipe(res);
      up.on("error", () => {
        broken++;
        entry.outcome = "broken";
        req.socket.destroy();
      });
    });
    out.on("error", (e: NodeJS.ErrnoException) => {
      // Refused (only a new connection can be): nothing was sent, that instance is down, the next
      // one gets the request.
      if (e.code === "ECONNREFUSED") return forward(req, res, body, order, entry);
      broken++;
      entry.outcome = "broken";
      req.socket.destroy();
    });
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const list = backends;
      if (list.length === 0) return void res.writeHead(503).end();
      const first = lb.pick ? lb.pick(req, list) : next++ % list.length;
      // The chosen instance first, then the others in ring order.
      const order = list.map((_, i) => list[(first + i) % list.length]!);
      const entry: LoggedRequest = { at: performance.now(), method: req.method ?? "", path: req.url ?? "", backend: undefined, outcome: "pending" };
      log.push(entry);
      forward(req, res, Buffer.concat(chunks), order, entry);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const lb: Balancer = {
    url,
    setBackends(urls) {
      backends = [...urls];
    },
    pick: undefined,
    served,
    log,
    get broken() {
      return broken;
    },
    async close() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return lb;
}
