// alter-gen/express on a real Express 5 server (Express has no test entry point of its own).
import type { AddressInfo } from "node:net";
import express, { type Request } from "express";
import { userTokenErrors, withUserToken } from "alter-gen/express";
import { brokenSession, describeAdapter, REALM, REQUEST_ID } from "./web-suite.js";
import { sessionCookie } from "./cookies.js";

describeAdapter({
  name: "express",
  repeatedHeaders: 400,
  async serve(world) {
    const { vault, handlers } = world;
    const context = (req: Request) => ({ runId: req.get(REQUEST_ID) });
    const app = express();
    // The body parser runs after the middleware: the user's scope must survive its stream events.
    app.use("/api", withUserToken({ vault, realm: REALM, context }), express.json());
    app.use("/optional", withUserToken({ vault, required: false, context }));
    app.use("/cookie", withUserToken({ vault, context, token: (req: Request) => sessionCookie(req.get("cookie")) }));
    app.use("/broken", withUserToken({ vault, token: brokenSession }));
    app.get("/api/channels", async (_req, res) => void res.json(await handlers.channels()));
    app.post("/api/messages", async (req, res) => void res.json(await handlers.post(req.body)));
    app.get("/optional/channels", async (_req, res) => void res.json(await handlers.optional()));
    app.get("/cookie/channels", async (_req, res) => void res.json(await handlers.channels()));
    app.get("/broken/channels", async (_req, res) => void res.json(await handlers.channels()));
    app.use(userTokenErrors({ vault, realm: REALM }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
