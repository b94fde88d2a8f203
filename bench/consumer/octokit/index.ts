import { Octokit } from "@octokit/rest";

const octokit = new Octokit({ auth: "token-from-somewhere" });

// Fails to compile if a client gives up and returns `any`: the calls must really be typed.
type IsAny<T> = 0 extends 1 & T ? true : false;

export async function main(): Promise<{ names: string[]; issueNumber: number; merged: boolean }> {
  const repos = await octokit.rest.repos.listForOrg({ org: "nodejs", per_page: 10 });
  const names = repos.data.map((r) => r.full_name);
  const issue = await octokit.rest.issues.create({ owner: "nodejs", repo: "node", title: "Benchmark", labels: ["bench"] });
  const pr = await octokit.rest.pulls.get({ owner: "nodejs", repo: "node", pull_number: 1 });
  const typed: [IsAny<typeof repos>, IsAny<typeof issue>, IsAny<typeof pr>] = [false, false, false];
  void typed;
  return { names, issueNumber: issue.data.number, merged: pr.data.merged };
}
