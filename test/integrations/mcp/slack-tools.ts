// A small Slack tools table in the shape of runtime/tools.ts (ToolsTable) over the generated
// client's real operation tables, so the MCP tests run against the checked-in Slack client.
import type { OperationTable, ToolDefinition, ToolsTable } from "alter-gen/runtime";
import { provider } from "alter-gen/generated/slack";
import * as chatModule from "../../../generated/slack/chat.js";
import * as conversationsModule from "../../../generated/slack/conversations.js";

// The namespace modules' .d.ts declare types only; the .js files export the operation tables.
const chat = (chatModule as unknown as { operations: OperationTable }).operations;
const conversations = (conversationsModule as unknown as { operations: OperationTable }).operations;

const read = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
const write = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };

const definitions: ToolDefinition[] = [
  {
    name: "chat_post_message",
    title: "Sends a message to a channel.",
    description: "Sends a message to a channel.\n\nhttps://api.slack.com/methods/chat.postMessage",
    inputSchema: {
      type: "object",
      properties: {
        body: {
          type: "object",
          properties: { channel: { type: "string", description: "Channel id" }, text: { type: "string" } },
          required: ["channel"],
        },
      },
      required: ["body"],
      additionalProperties: false,
    },
    annotations: write,
    operation: { id: "chat_postMessage", namespace: "chat", method: "postMessage" },
  },
  {
    name: "chat_delete",
    title: "Deletes a message.",
    description: "Deletes a message.",
    inputSchema: { type: "object", properties: { body: { type: "object", properties: { channel: { type: "string" }, ts: { type: "string" } } } }, required: ["body"], additionalProperties: false },
    annotations: { ...write, destructiveHint: true },
    operation: { id: "chat_delete", namespace: "chat", method: "delete" },
  },
  {
    name: "conversations_list",
    title: "Lists all channels in a Slack team.",
    description: "Lists all channels in a Slack team.",
    inputSchema: {
      type: "object",
      properties: { limit: { type: "integer", minimum: 1 }, cursor: { type: "string" }, exclude_archived: { type: "boolean" }, types: { type: "string" } },
      additionalProperties: false,
    },
    annotations: read,
    operation: { id: "conversations_list", namespace: "conversations", method: "list" },
  },
];

export const tools: ToolsTable = { provider, operations: { chat, conversations }, definitions };
