import { Octokit } from "@octokit/rest";

const octokit = new Octokit({ auth: "token-from-somewhere" });

export async function main(): Promise<{ names: string[]; issueNumber: number; merged: boolean }> {
  const repos = await octokit.rest.repos.listForOrg({ org: "nodejs", per_page: 10 });
  const names = repos.data.map((r) => r.full_name);
  const issue = await octokit.rest.issues.create({ owner: "nodejs", repo: "node", title: "Benchmark", labels: ["bench"] });
  const pr = await octokit.rest.pulls.get({ owner: "nodejs", repo: "node", pull_number: 1 });
  return { names, issueNumber: issue.data.number, merged: pr.data.merged };
}
