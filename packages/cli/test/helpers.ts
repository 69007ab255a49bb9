/** Runs the real `dsl` binary (built by jest's global setup) as a user would. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "../../..");
export const DSL = path.join(REPO, "packages/cli/bin/dsl.js");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function dsl(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const res = spawnSync(process.execPath, [DSL, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    input: opts.input ?? "",
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
