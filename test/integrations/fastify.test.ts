// alter-gen/fastify on a real Fastify server and through Fastify's own inject().
import Fastify, { type FastifyRequest } from "fastify";
import { withUserToken } from "alter-gen/fastify";
import { brokenSession, describeAdapter, REALM, REQUEST_ID } from "./web-suite.js";
import { sessionCookie } from "./cookies.js";
import type { Received, Sent } from "./web-world.js";

describeAdapter({
  name: "fastify",
  repeatedHeaders: 400,
  async serve(world) {
    const { vault, handlers } = world;
    const context = (request: FastifyRequest) => ({ runId: request.headers[REQUEST_ID] as string | undefined });
    const app = Fastify();
    // Each route group in its own encapsulated context, the plugin's hooks covering that group only.
    await app.register(
      async (api) => {
        await api.register(withUserToken, { vault, realm: REALM, context });
        api.get("/channels", () => handlers.channels());
        api.post("/messages", (request) => handlers.post(request.body));
      },
      { prefix: "/api" },
    );
    await app.register(
      async (optional) => {
        await optional.register(withUserToken, { vault, required: false, context });
        optional.get("/channels", () => handlers.optional());
      },
      { prefix: "/optional" },
    );
    await app.register(
      async (cookie) => {
        await cookie.register(withUserToken, { vault, context, token: (request) => sessionCookie(request.headers.cookie) });
        cookie.get("/channels", () => handlers.channels());
      },
      { prefix: "/cookie" },
    );
    await app.register(
      async (broken) => {
        await broken.register(withUserToken, { vault, token: brokenSession });
        broken.get("/channels", () => handlers.channels());
      },
      { prefix: "/broken" },
    );
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    const inject = async (sent: Sent): Promise<Received> => {
      const res = await app.inject({ method: sent.method ?? "GET", url: sent.path, headers: sent.headers, ...(sent.json === undefined ? {} : { payload: sent.json as object }) });
      return { status: res.statusCode, headers: res.headers as Received["headers"], text: res.body, body: res.body ? res.json() : undefined };
    };
    return { url, inject, close: () => app.close() };
  },
});
