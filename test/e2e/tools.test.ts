// Generated tools called end to end: callTool over the checked-in tools tables, through the real
// local vault, into provider stand-ins that validate each request against the pinned document.
// Two users call in parallel, each under their own token (vault.withUserToken, as an MCP server
// or a web app does per request); every audit row names the operation, the tool name and the
// tool call's identifiers, and reaches that user's own grant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterValueError, asUser, callTool, type AlterVault } from "alter-gen/runtime";
import { createSlackClient } from "alter-gen/generated/slack";
import { tools as slackTools } from "alter-gen/generated/slack/tools";
import { tools as githubTools } from "alter-gen/generated/github/tools";
import { APP_CLIENT, auditDuring, callRows, startE2E, type E2E } from "../support/e2e.js";

const SLACK = { alice: "xoxp-alice-CANARY-tools-5521", bob: "xoxp-bob-CANARY-tools-9034" };
const GITHUB = "ghp_CANARYtools0000000000000000000000001";
type User = keyof typeof SLACK;

let world: E2E;
let vault: AlterVault;
const jwt: Record<User, string> = { alice: "", bob: "" };
const grant: Record<User, string> = { alice: "", bob: "" };
let githubGrant = "";

beforeAll(async () => {
  world = await startE2E({ providers: ["slack", "github"] });
  vault = world.client({ caller: "e2e-tools", callerType: "agent", retry: false });
  for (const user of ["alice", "bob"] as const) {
    jwt[user] = (await world.idp.login(user, { clientId: APP_CLIENT.clientId })).idToken;
    grant[user] = await world.managedGrant("slack", SLACK[user], { principal: `user:${user}`, account: `${user}-workspace` });
  }
  githubGrant = await world.managedGrant("github", GITHUB);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("callTool through the vault", () => {
  it.each(["retrieve", "proxy"] as const)("two users in parallel: each reaches their own grant, audited with operation, tool name and call ids (%s)", async (mode) => {
    const st = world.standins.slack!;
    const from = st.requests.length;
    const slack = createSlackClient(vault, { baseUrl: st.url, mode });
    const calls = (["alice", "bob", "alice", "bob"] as const).map((user, i) => ({ user, id: `call-${mode}-${user}-${i}` }));
    const { result, rows } = await auditDuring(world, () =>
      Promise.all(
        calls.map(({ user, id }, i) =>
          vault.withUserToken(jwt[user], () =>
            callTool(slack, slackTools, "chat_post_message", { body: { channel: "C1", text: `${user} ${i}` } }, { context: { toolCallId: id, runId: `run-${user}`, threadId: `thread-${user}` } }),
          ),
        ),
      ),
    );
    expect(result.map((r) => [r.status, r.operation.id, (r.data as { ok?: boolean }).ok])).toEqual(calls.map(() => [200, "chat_postMessage", true]));
    for (const req of st.requests.slice(from)) {
      const user = /"text":"(alice|bob) \d+"/.exec(JSON.stringify(req.body))?.[1] as User;
      expect(req.headers.authorization).toBe(`Bearer ${SLACK[user]}`);
    }
    const audited = callRows(rows);
    expect(audited).toHaveLength(calls.length);
    for (const { user, id } of calls) {
      const row = audited.find((r) => r.toolCallId === id);
      expect(row, id).toBeDefined();
      expect(row).toMatchObject({ operationId: "chat_postMessage", toolName: "chat_post_message", runId: `run-${user}`, threadId: `thread-${user}`, grantId: grant[user], principalType: "user" });
    }
  });

  it("calls with the vault alone (client defaults given to callTool), path params by their method names, a host's own tool name", async () => {
    const st = world.standins.github!;
    const { result, rows } = await auditDuring(world, () =>
      callTool(vault, githubTools, "repos_get", { owner: "octo-org", repo: "hello-world" }, { grant: githubGrant, defaults: { baseUrl: st.url }, context: { toolCallId: "gh-1", toolName: "github__repos_get" } }),
    );
    expect(result.status).toBe(200);
    expect(result.operation).toMatchObject({ id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}" });
    expect(st.requests.at(-1)!.path).toBe("/repos/octo-org/hello-world");
    expect(callRows(rows).map((r) => [r.operationId, r.toolName, r.toolCallId, r.grantId])).toEqual([["repos/get", "github__repos_get", "gh-1", githubGrant]]);
  });

  const refused: [string, { name: string; input: unknown; want: RegExp }][] = [
    ["an unknown tool", { name: "chat_post_mesage", input: {}, want: /Slack has no tool "chat_post_mesage"/ }],
    ["a missing required input", { name: "chat_post_message", input: {}, want: /missing required input "body"/ }],
    ["an input the tool does not take", { name: "chat_post_message", input: { body: { channel: "C1" }, channel: "C1" }, want: /unknown input "channel" \(known: body\)/ }],
    ["a value of the wrong type", { name: "conversations_list", input: { limit: "ten" }, want: /input "limit" must be integer \(got string\)/ }],
    ["input that is not an object", { name: "conversations_list", input: ["C1"], want: /the input must be a JSON object \(got array\)/ }],
  ];
  it.each(refused)("refuses %s before any network call", async (_name, { name, input, want }) => {
    const st = world.standins.slack!;
    const from = st.requests.length;
    const slack = createSlackClient(vault, { baseUrl: st.url });
    const { result: err, rows } = await auditDuring(world, () =>
      vault.withUserToken(jwt.alice, () => callTool(slack, slackTools, name, input, { grant: asUser() }).then(
        () => undefined,
        (e: unknown) => e,
      )),
    );
    expect(err).toBeInstanceOf(AlterValueError);
    expect((err as Error).message).toMatch(want);
    expect(st.requests.length).toBe(from);
    expect(callRows(rows)).toEqual([]);
  });

  it("leaves no credential in audit rows, logs or the data folder", async () => {
    expect(await world.findSecrets()).toEqual([]);
  });
});
