// A loopback TCP relay in front of a server that can stop carrying bytes without closing anything:
// what a network partition between two machines looks like to both ends (no FIN, no RST, just
// silence), which a stopped server (connection refused) does not show.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface Blackhole {
  /** The relay's port on 127.0.0.1. */
  port: number;
  /** Drop every byte from now on, both ways, on open and new connections (which still connect). */
  cut(): void;
  /** Carry bytes again (connections opened before the cut stay silent: their bytes were lost). */
  heal(): void;
  close(): Promise<void>;
}

export async function startBlackhole(target: { host: string; port: number }): Promise<Blackhole> {
  let cut = false;
  const sockets = new Set<Socket>();
  const poisoned = new Set<Socket>();
  const relay = (from: Socket, to: Socket) =>
    from.on("data", (chunk: Buffer) => {
      if (cut || poisoned.has(from) || poisoned.has(to)) {
        poisoned.add(from).add(to);
        return;
      }
      to.write(chunk);
    });
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => sockets.delete(s));
    }
    relay(client, upstream);
    relay(upstream, client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => void (cut = true),
    heal: () => void (cut = false),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
