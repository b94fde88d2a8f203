// What a failed tool call tells the model, as an ordered rule table (first match wins, like
// runtime/retry.ts): every rule names what the model or the user can do next. Messages come from
// the runtime's errors, which never carry a secret; a provider's error body is shown only in the
// scrubbed form the runtime keeps, cut short.
import {
  AlterSDKError,
  AlterValueError,
  AmbiguousGrantError,
  ApprovalError,
  ApprovalRequiredError,
  GrantNotFoundError,
  PolicyViolationError,
  ProviderAPIError,
  ReAuthRequiredError,
} from "../../runtime/index.js";

/** An MCP tool result (CallToolResult) as this integration builds it. */
export interface ToolAnswer {
  content: { type: "text"; text: string }[];
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  /** `alter-gen/call` on success, `alter-gen/error` on failure: non-secret facts (status, code, ids, connectUrl). */
  _meta?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What a rule may need beyond the error: the provider, and a connect link when one can be made. */
export interface FailureContext {
  provider: { id: string; name: string };
  /** The name of the tool that waits for an approval; undefined when none is offered (alter-gen/ai without a vault). */
  awaitTool: string | undefined;
  /** A connect session's URL for this provider and caller, or why none could be made. */
  connectUrl(): Promise<{ url: string } | { unavailable: string }>;
}

type Rule = [name: string, applies: (e: unknown) => boolean, answer: (e: never, ctx: FailureContext) => ToolAnswer | Promise<ToolAnswer>];

const BODY_LIMIT = 2_000;

export const FAILURE_RULES: Rule[] = [
  ["invalid-input", (e) => e instanceof AlterValueError, (e: AlterValueError) => fail(`Invalid input: ${e.message}`, { code: e.code })],
  [
    "approval-required",
    (e) => e instanceof ApprovalRequiredError,
    (e: ApprovalRequiredError, ctx) =>
      fail(
        `This call needs a person's approval before it runs. Approval id: ${e.approvalId}. The approver decides at ${e.approvalUrl}. ` +
          (ctx.awaitTool
            ? `Call ${ctx.awaitTool} with {"approvalId": "${e.approvalId}"} to wait for the decision and get the result.`
            : "Tell the user; the call runs once it is approved, and calling the tool again asks for another approval."),
        { code: e.code, approvalId: e.approvalId, approvalUrl: e.approvalUrl, expiresAt: e.expiresAt },
      ),
  ],
  ["approval-outcome", (e) => e instanceof ApprovalError, (e: ApprovalError) => fail(`${e.message} (${e.code}).`, { code: e.code, approvalId: e.approvalId })],
  [
    "needs-connect",
    (e) => e instanceof GrantNotFoundError || e instanceof ReAuthRequiredError,
    async (e: AlterSDKError, ctx) => {
      const link = await ctx.connectUrl();
      const what = e instanceof GrantNotFoundError ? `No ${ctx.provider.name} account is connected for this caller` : `The ${ctx.provider.name} connection must be renewed (${e.code})`;
      if ("url" in link) return fail(`${what}. Ask the user to open ${link.url} to connect ${ctx.provider.name}, then call the tool again.`, { code: e.code, connectUrl: link.url });
      return fail(`${what}, and no connect link could be made (${link.unavailable}). An operator can connect it with the vault.`, { code: e.code });
    },
  ],
  [
    "ambiguous-grant",
    (e) => e instanceof AmbiguousGrantError,
    (e: AmbiguousGrantError) => fail(`Several ${e.accounts.length} connected accounts match (${e.accounts.join(", ")}); the server must be started with one grant.`, { code: e.code, accounts: [...e.accounts] }),
  ],
  [
    "policy-denied",
    (e) => e instanceof PolicyViolationError,
    (e: PolicyViolationError) => fail(`A vault policy refused the call: ${e.message}${e.retryAfter ? ` (may pass in ${e.retryAfter} s)` : ""}.`, { code: e.code, policy: e.policy, retryAfter: e.retryAfter }),
  ],
  [
    "provider-error",
    (e) => e instanceof ProviderAPIError,
    (e: ProviderAPIError) =>
      fail(`The provider answered ${e.status} (${e.code})${e.requestId ? `, request id ${e.requestId}` : ""}.${bodyExcerpt(e.body)}`, {
        code: e.code,
        status: e.status,
        requestId: e.requestId,
        retryable: e.retryable,
      }),
  ],
  ["alter-error", (e) => e instanceof AlterSDKError, (e: AlterSDKError) => fail(`${e.message} (${e.code}).`, { code: e.code, retryable: e.retryable })],
  // Anything else is a bug or a platform failure whose message nobody vetted: its name only.
  ["unexpected", () => true, (e: unknown) => fail(`The call failed unexpectedly (${e instanceof Error ? e.name : typeof e}).`, { code: "internal_error" })],
];

/** The first rule that applies to `error`, and the tool result it gives. */
export async function failureAnswer(error: unknown, ctx: FailureContext): Promise<{ rule: string; answer: ToolAnswer }> {
  for (const [rule, applies, answer] of FAILURE_RULES) {
    if (applies(error)) return { rule, answer: await answer(error as never, ctx) };
  }
  throw new Error("unreachable: the last failure rule applies to everything");
}

function fail(text: string, details: Record<string, unknown>): ToolAnswer {
  const clean = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  return { content: [{ type: "text", text }], isError: true, _meta: { "alter-gen/error": clean } };
}

function bodyExcerpt(body: unknown): string {
  if (body === undefined || body === null || body === "") return "";
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return ` Body: ${text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…` : text}`;
}
