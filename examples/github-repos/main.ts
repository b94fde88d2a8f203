// Lists a user's GitHub repositories through the local vault with a managed secret: the app holds
// an API key for the vault, never the GitHub token. Runs against a GitHub stand-in on loopback.
import { AlterVault } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { startSandbox } from "../sandbox.js";

const sandbox = await startSandbox();
try {
  const standin = await sandbox.standin("github");
  // In real use: `alter-gen vault secrets add --provider github` with your personal access token.
  const grantId = await sandbox.managedGrant("github", "ghp_exampleTokenNeverPrinted0001", { label: "octocat-pat" });
  // What GitHub would answer, in two pages joined by a Link header (schema-valid repositories).
  const template = (standin.validator.responseFor(standin.operation("repos/list-for-user")).body as object[])[0]!;
  const repos = (names: string[]) => names.map((name, i) => ({ ...template, id: 1000 + i, name, full_name: `octocat/${name}`, private: false }));
  const next = `<${standin.url}/users/octocat/repos?per_page=3&page=2>; rel="next"`;
  standin.script("repos/list-for-user", { status: 200, headers: { link: next }, body: repos(["Hello-World", "Spoon-Knife", "linguist"]) });
  standin.script("repos/list-for-user", { status: 200, body: repos(["octocat.github.io", "git-consortium"]) });

  await using vault = new AlterVault({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, caller: "github-repos-example" });
  const github = createGithubClient(vault, { baseUrl: standin.url });

  console.log("Repositories of octocat:");
  let n = 0;
  for await (const repo of github.repos.listForUser.paginate(grantId, { username: "octocat", per_page: 3 }, { reason: "list repositories" })) {
    n++;
    console.log(`  ${repo.full_name}${repo.private ? " (private)" : ""}`);
  }
  const rows = (await sandbox.audit()).filter((r) => r.action === "credential.retrieve");
  console.log(`${n} repositories in ${rows.length} pages; ${rows.length} audit rows (operation ${rows[0]?.operationId}, caller ${rows[0]?.caller}).`);
} finally {
  await sandbox.close();
}
