// The approval gate's rules as a table: which verified operation each gate asks approval for, and
// why; and the messages a bad gate is refused with (they name the field).
import { describe, expect, it } from "vitest";
import { gateReason, globMatches, parseApprovalGate, type ApprovalGate, type VerifiedOperation } from "../../vault/policy/approval-gate.js";
import { validatePolicy } from "../../vault/policy/validate.js";

const op = (id: string, method: string, path: string): VerifiedOperation => ({ id, method, path });
const CREATE = op("issues/create", "POST", "/repos/{owner}/{repo}/issues");
const LIST = op("issues/list-for-repo", "GET", "/repos/{owner}/{repo}/issues");
const DELETE_COMMENT = op("issues/delete-comment", "DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}");
const SLACK_DELETE = op("chat_delete", "POST", "/chat.delete");
const SLACK_KICK = op("conversations_kick", "POST", "/conversations.kick");
const SLACK_POST = op("chat_postMessage", "POST", "/chat.postMessage");
const REMOVE_COLLAB = op("repos/remove-collaborator", "DELETE", "/repos/{owner}/{repo}/collaborators/{username}");

const ROWS: [name: string, gate: ApprovalGate, op: VerifiedOperation, reason: string | null][] = [
  ["write: POST", { classes: ["write"] }, CREATE, "class write"],
  ["write: GET passes", { classes: ["write"] }, LIST, null],
  ["write: HEAD passes", { classes: ["write"] }, op("x", "HEAD", "/x"), null],
  ["destructive: DELETE", { classes: ["destructive"] }, DELETE_COMMENT, "class destructive"],
  ["destructive: a POST create passes", { classes: ["destructive"] }, CREATE, null],
  ["destructive: Slack chat.delete by POST (verb in the path)", { classes: ["destructive"] }, SLACK_DELETE, "class destructive"],
  ["destructive: Slack conversations.kick by POST", { classes: ["destructive"] }, SLACK_KICK, "class destructive"],
  ["destructive: Slack chat.postMessage passes", { classes: ["destructive"] }, SLACK_POST, null],
  ["destructive: a GET named delete-… is a read", { classes: ["destructive"] }, op("deleteInfo", "GET", "/delete-info"), null],
  ["methods: listed", { methods: ["POST", "DELETE"] }, CREATE, "method POST"],
  ["methods: not listed", { methods: ["DELETE"] }, CREATE, null],
  ["operations: a glob over a namespace", { operations: ["issues/*"] }, DELETE_COMMENT, "operation issues/*"],
  ["operations: a glob inside", { operations: ["*remove*"] }, REMOVE_COLLAB, "operation *remove*"],
  ["operations: exact id", { operations: ["issues/create"] }, CREATE, "operation issues/create"],
  ["operations: no match", { operations: ["pulls/*"] }, CREATE, null],
  ["first list with an opinion names the reason", { operations: ["issues/*"], classes: ["write"] }, CREATE, "operation issues/*"],
];

describe("gateReason", () => {
  it.each(ROWS)("%s", (_name, gate, operation, reason) => {
    expect(gateReason(gate, operation)).toBe(reason);
  });

  it("globs match literally besides *", () => {
    expect(globMatches("chat.*", "chat.delete")).toBe(true);
    expect(globMatches("chat.*", "chatXdelete")).toBe(false);
    expect(globMatches("issues/(create)", "issues/(create)")).toBe(true);
  });
});

describe("a bad gate is refused naming the field", () => {
  const BAD: [unknown, RegExp][] = [
    [{ classes: ["reads"] }, /policy\.requireApprovalFor\.classes: "reads" is not a class \(write, destructive\)/],
    [{ methods: ["FETCH"] }, /policy\.requireApprovalFor\.methods: "FETCH" is not an HTTP method/],
    [{ operations: [] }, /policy\.requireApprovalFor\.operations must be a non-empty list/],
    [{ operations: [""] }, /policy\.requireApprovalFor\.operations must be a non-empty list/],
    [{ verbs: ["delete"] }, /policy\.requireApprovalFor\.verbs is not a field/],
    [{}, /policy\.requireApprovalFor must name operations, methods or classes/],
    [["write"], /policy\.requireApprovalFor must be an object/],
  ];
  it.each(BAD)("%j", (gate, message) => {
    expect(() => validatePolicy({ requireApprovalFor: gate })).toThrow(message);
  });

  it("methods are upper-cased and lists deduplicated", () => {
    expect(parseApprovalGate({ methods: ["post", "POST"], operations: ["a/*", "a/*"] }, "g")).toEqual({ methods: ["POST"], operations: ["a/*"] });
  });
});
