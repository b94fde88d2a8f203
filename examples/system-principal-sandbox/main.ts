// Grants with no identity provider at all: every grant below belongs to the app itself (the
// system principal). A custom API keyed by a header, AWS with SigV4 signed from a managed access
// key, a Cloudflare-style API token, and an OAuth grant connected without any signed-in user.
// Every provider is a loopback stand-in; the OAuth server is a local OpenID provider.
import { AlterVault, bindOperations, type Method, type MethodOpt, type OperationTable, type ProviderSpec } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { setOAuthEndpoints } from "../../vault/admin/oauth.js";
import { setProviderConfig } from "../../vault/index.js";
import { startStandin } from "../../standins/index.js";
import { startIdp } from "../../test/support/idp.js";
import { completeIdpLogin, confirmConnect, launchBrowser } from "../../test/support/browser.js";
import { startSandbox } from "../sandbox.js";
import { CLOUDFLARE_DOC, WEATHER_DOC, customEntry } from "./apis.js";
import { startDynamoStandin } from "./aws-standin.js";

const sandbox = await startSandbox();
const cleanup: (() => Promise<unknown>)[] = [];
try {
  await using vault = new AlterVault({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, caller: "nightly-sync", callerType: "service" });

  // 1. A custom API key in a header. `vault providers set acme-weather --base-url … --injection header:X-Api-Key`
  {
    const standin = await startStandin({ provider: customEntry("acme-weather", "Acme Weather", "https://api.acme-weather.example/v1", { type: "header", name: "X-Api-Key" }), document: WEATHER_DOC });
    cleanup.push(() => standin.close());
    await sandbox.customProvider("acme-weather", standin.url, { type: "header", name: "X-Api-Key" });
    const key = "wx_live_exampleKeyNeverPrinted01";
    standin.expectCredential(key);
    const grantId = await sandbox.managedGrant("acme-weather", key, { label: "weather-key" });
    const provider: ProviderSpec = { id: "acme-weather", name: "Acme Weather", baseUrl: standin.url };
    const ops = { getForecast: { id: "getForecast", method: "GET", path: "/forecast", params: { city: "query", days: "query" } } } as const satisfies OperationTable;
    const weather = bindOperations<{ getForecast: Method<{ city: string; days?: number }, { city: string; days: { date: string; highC: number }[] }> }>(vault, provider, ops);
    const f = await weather.getForecast(grantId, { city: "Lisbon", days: 2 });
    console.log(`[header API key] ${f.city}: ${f.days.map((d) => `${d.date} ${d.highC}°C`).join(", ")} (stand-in saw X-Api-Key: ${standin.requests.at(-1)!.headers["x-api-key"] === key ? "the managed key" : "something else"})`);
  }

  // 2. AWS: the vault keeps the access key; the runtime signs each request with SigV4.
  //    `vault secrets add --provider aws-dynamodb --type aws` + `vault providers set aws-dynamodb --injection aws-sigv4:us-east-1:dynamodb`
  {
    const awsKey = { accessKeyId: "AKIAEXAMPLESANDBOX01", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
    const aws = await startDynamoStandin(awsKey, ["orders", "customers", "invoices"]);
    cleanup.push(() => aws.close());
    await sandbox.customProvider("aws-dynamodb", aws.url, { type: "aws-sigv4", region: "us-east-1", service: "dynamodb" });
    const grantId = await sandbox.managedGrant("aws-dynamodb", awsKey, { type: "aws", label: "sandbox-iam-user" });
    const provider: ProviderSpec = { id: "aws-dynamodb", name: "Amazon DynamoDB", baseUrl: aws.url };
    const ops = {
      listTables: { id: "ListTables", method: "POST", path: "/", params: { target: { in: "header", name: "X-Amz-Target" } }, body: { kind: "json", mediaType: "application/x-amz-json-1.0", required: true } },
    } as const satisfies OperationTable;
    const dynamo = bindOperations<{ listTables: Method<{ target: string; body: { Limit?: number } }, { TableNames: string[] }> }>(vault, provider, ops);
    const out = await dynamo.listTables(grantId, { target: "DynamoDB_20120810.ListTables", body: { Limit: 10 } });
    console.log(`[aws sigv4] tables: ${out.TableNames.join(", ")}; stand-in: ${aws.log.at(-1)}`);
  }

  // 3. A Cloudflare-style API token (bearer). `vault providers set cloudflare --base-url … --injection bearer`
  {
    const standin = await startStandin({ provider: customEntry("cloudflare", "Cloudflare", "https://api.cloudflare.com/client/v4", { type: "bearer" }), document: CLOUDFLARE_DOC });
    cleanup.push(() => standin.close());
    await sandbox.customProvider("cloudflare", standin.url, { type: "bearer" });
    const token = "cf_exampleApiTokenNeverPrinted0001";
    standin.expectCredential(token);
    const grantId = await sandbox.managedGrant("cloudflare", token, { label: "dns-edit-token" });
    const ops = { verifyToken: { id: "user-api-tokens-verify-token", method: "GET", path: "/user/tokens/verify" } } as const satisfies OperationTable;
    const cf = bindOperations<{ verifyToken: MethodOpt<Record<string, never>, { success: boolean; result: { id: string; status: string } }> }>(
      vault,
      { id: "cloudflare", name: "Cloudflare", baseUrl: standin.url },
      ops,
    );
    const v = await cf.verifyToken(grantId);
    console.log(`[api token] Cloudflare says the token is ${v.result.status} (success=${v.success})`);
  }

  // 4. OAuth without a user: the app connects its own GitHub account (a system-principal grant).
  //    `vault providers set github --client-id … --client-secret …`; `vault oauth set github --authorize-url … --token-url …`
  {
    const oauthServer = await startIdp({ users: [{ sub: "ops-bot", email: "ops-bot@example.test" }], extraScopes: ["repo"] });
    cleanup.push(() => oauthServer.close());
    const standin = await sandbox.standin("github");
    standin.expectCredential((token) => oauthServer.isActiveAccessToken(token)); // GitHub accepts what its OAuth server issued
    const client = { clientId: "sandbox-github-app", clientSecret: "sandbox-github-secret-never-printed" };
    oauthServer.addClient({ ...client, redirectUris: [`${sandbox.url}/connect/callback/github`] });
    await setProviderConfig({ dataDir: sandbox.dataDir, provider: "github", ...client });
    const e = oauthServer.endpoints;
    await setOAuthEndpoints({ dataDir: sandbox.dataDir, provider: "github", authorizeUrl: e.authorize, tokenUrl: e.token, revokeUrl: e.revocation });

    // The packaged Chromium of the dev dependencies plays the person; if it cannot start, this
    // throws at once with the fix instead of waiting for someone to open the URL by hand.
    const browser = await launchBrowser();
    cleanup.push(() => browser.close());
    const pages: Promise<unknown>[] = [];
    // A failed click-through stops the connect at once rather than leaving it to poll until timeout.
    const stop = new AbortController();
    const [grant] = await vault.connect({
      providers: ["github"],
      scopes: { github: ["openid", "email", "repo"] },
      pollIntervalMs: 200,
      timeoutMs: 30_000,
      signal: stop.signal,
      // Chromium plays the person who clicks through GitHub's consent.
      openBrowser: (url) => {
        console.log(`[oauth] connect URL: ${url.replace(/\?.*/, "?…")} (driven by headless Chromium)`);
        const page = (async () => {
          const page = await browser.newPage();
          await page.goto(url);
          await confirmConnect(page); // the vault's page naming the app, the provider and whose grant it is
          await completeIdpLogin(page, { issuer: oauthServer.issuer, username: "ops-bot" });
          await page.close();
        })();
        page.catch((error: unknown) => stop.abort(error));
        pages.push(page);
      },
    });
    await Promise.all(pages);
    console.log(`[oauth] connected ${grant!.provider} as ${grant!.account}: principal ${grant!.principal.type}, source ${grant!.source}`);
    const github = createGithubClient(vault, { baseUrl: standin.url });
    const template = standin.validator.responseFor(standin.operation("users/get-authenticated")).body as object;
    standin.script("users/get-authenticated", { status: 200, body: { ...template, login: "ops-bot" } });
    const me = await github.users.getAuthenticated(grant!.grantId);
    const bearer = standin.requests.at(-1)!.headers.authorization!.slice("Bearer ".length);
    console.log(`[oauth] GET /user: login ${me.login}; the stand-in saw an access token issued by the OAuth server: ${oauthServer.isActiveAccessToken(bearer)}`);
  }

  const rows = (await sandbox.audit()).filter((r) => r.action === "credential.retrieve");
  console.log(`audit: ${rows.length} credential retrievals, principals: ${[...new Set(rows.map((r) => r.principalType))].join(", ")}; providers: ${rows.map((r) => r.provider).join(", ")}`);
} finally {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  await sandbox.close();
}
