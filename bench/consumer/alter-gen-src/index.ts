import { AlterVault } from "alter-gen/runtime";
import { createGithubClient } from "./clients/github/index.js";

const vault = new AlterVault({ apiKey: "key-from-somewhere" });
const github = createGithubClient(vault);
const grant = "grant-id-from-somewhere";

// Fails to compile if a client gives up and returns `any`: the calls must really be typed.
type IsAny<T> = 0 extends 1 & T ? true : false;

export async function main(): Promise<{ names: string[]; issueNumber: number; merged: boolean }> {
  const repos = await github.repos.listForOrg(grant, { org: "nodejs", per_page: 10 });
  const names = repos.map((r) => r.full_name);
  const issue = await github.issues.create(grant, { owner: "nodejs", repo: "node", body: { title: "Benchmark", labels: ["bench"] } });
  const pr = await github.pulls.get(grant, { owner: "nodejs", repo: "node", pull_number: 1 });
  const typed: [IsAny<typeof repos>, IsAny<typeof issue>, IsAny<typeof pr>] = [false, false, false];
  void typed;
  return { names, issueNumber: issue.number, merged: pr.merged };
}
