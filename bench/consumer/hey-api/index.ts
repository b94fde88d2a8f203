import { issuesCreate, pullsGet, reposListForOrg } from "./client/index.js";

const auth = "token-from-somewhere";

// Fails to compile if a client gives up and returns `any`: the calls must really be typed.
type IsAny<T> = 0 extends 1 & T ? true : false;

export async function main(): Promise<{ names: string[]; issueNumber: number; merged: boolean }> {
  const repos = await reposListForOrg({ auth, path: { org: "nodejs" }, query: { per_page: 10 }, throwOnError: true });
  const names = repos.data.map((r) => r.full_name);
  const issue = await issuesCreate({ auth, path: { owner: "nodejs", repo: "node" }, body: { title: "Benchmark", labels: ["bench"] }, throwOnError: true });
  const pr = await pullsGet({ auth, path: { owner: "nodejs", repo: "node", pull_number: 1 }, throwOnError: true });
  const typed: [IsAny<typeof repos>, IsAny<typeof issue>, IsAny<typeof pr>] = [false, false, false];
  void typed;
  return { names, issueNumber: issue.data.number, merged: pr.data.merged };
}
