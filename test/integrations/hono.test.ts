// alter-gen/hono on a real Hono server (@hono/node-server) and through Hono's own app.request().
import type { AddressInfo } from "node:net";
import { Hono, type Context } from "hono";
import { serve } from "@hono/node-server";
import { withUserToken } from "alter-gen/hono";
import { brokenSession, describeAdapter, REALM, REQUEST_ID } from "./web-suite.js";
import { sessionCookie } from "./cookies.js";
import type { Received, Sent } from "./web-world.js";

describeAdapter({
  name: "hono",
  // Fetch's Headers join repeated headers with ", ": one value that is not a token68.
  repeatedHeaders: 401,
  async serve(world) {
    const { vault, handlers } = world;
    const context = (c: Context) => ({ runId: c.req.header(REQUEST_ID) });
    const app = new Hono();
    app.use("/api/*", withUserToken({ vault, realm: REALM, context }));
    app.use("/optional/*", withUserToken({ vault, required: false, context }));
    app.use("/cookie/*", withUserToken({ vault, context, token: (c) => sessionCookie(c.req.header("cookie")) }));
    app.use("/broken/*", withUserToken({ vault, token: brokenSession }));
    app.get("/api/channels", async (c) => c.json(await handlers.channels()));
    app.post("/api/messages", async (c) => c.json(await handlers.post(await c.req.json())));
    app.get("/optional/channels", async (c) => c.json(await handlers.optional()));
    app.get("/cookie/channels", async (c) => c.json(await handlers.channels()));
    app.get("/broken/channels", async (c) => c.json(await handlers.channels()));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
    });
    const inject = async (sent: Sent): Promise<Received> => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(sent.headers ?? {})) for (const v of [value].flat()) headers.append(name, v);
      if (sent.json !== undefined) headers.set("content-type", "application/json");
      const res = await app.request(sent.path, { method: sent.method ?? "GET", headers, body: sent.json === undefined ? undefined : JSON.stringify(sent.json) });
      const text = await res.text();
      return { status: res.status, headers: Object.fromEntries(res.headers), text, body: text ? JSON.parse(text) : undefined };
    };
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      inject,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
