/**
 * A user's project outside this repository, for the install test: the packages packed as they
 * are published (scripts/pack.mjs), installed into a fresh temp folder with the user's own
 * package manager, and every command run there as the user types it (`npx dsl …`).
 *
 * Nothing of the repo is reachable from that folder except through the tarballs: no ancestor
 * has a node_modules or a package.json, the environment drops npm's and pnpm's variables (set
 * when the tests run under `npm test`), NODE_PATH and every PATH entry inside the repo or a
 * node_modules/.bin, and `assertIsolated` checks that no installed file resolves into the repo.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO, type CliResult } from "./helpers";

/** The tarballs of one `node scripts/pack.mjs` run, by package. */
export interface Tarballs {
  readonly dsl: string;
  readonly runtime: string;
  readonly cli: string;
}

/** Packs the three packages (each one's prepack builds it) into `dest`. */
export function pack(dest: string): Tarballs {
  const out = execFileSync(process.execPath, [path.join(REPO, "scripts/pack.mjs"), dest], {
    cwd: REPO,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 300_000,
  });
  return JSON.parse(out) as Tarballs;
}

/** The environment a user's shell would have: no variable that points back into this repo. */
export function userEnv(cacheDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$|BERTH_|JEST_)/i.test(k)) env[k] = v;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((p) => p && !p.startsWith(REPO) && !p.includes(`${path.sep}node_modules${path.sep}`) && !p.endsWith(`${path.sep}node_modules${path.sep}.bin`))
    .join(path.delimiter);
  env.BERTH_CACHE_DIR = cacheDir;
  env.NO_COLOR = "1";
  return env;
}

/** A fresh temp folder with a package.json, as `npm init -y` makes one. */
export function newProject(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `berth-user-${prefix}-`)));
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    for (const f of ["node_modules", "package.json"]) {
      if (fs.existsSync(path.join(d, f)))
        throw new Error(`${path.join(d, f)} exists: packages there would be reachable from the test's user project ${dir}; remove it`);
    }
    if (path.dirname(d) === d) break;
  }
  if (dir.startsWith(REPO + path.sep)) throw new Error(`the temp folder ${dir} is inside the repo`);
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: path.basename(dir).toLowerCase(), version: "1.0.0", private: true }, null, 2)}\n`);
  return dir;
}

/** Runs a command in the project; `ok` fails the test with its output unless it exits 0. */
export function sh(dir: string, env: NodeJS.ProcessEnv, cmd: string, args: readonly string[], opts: { ok?: boolean; timeoutMs?: number } = {}): CliResult {
  const res = spawnSync(cmd, [...args], { cwd: dir, env, encoding: "utf8", timeout: opts.timeoutMs ?? 300_000, maxBuffer: 32 << 20 });
  const result = { code: res.status, stdout: res.stdout ?? "", stderr: res.stderr ?? "" };
  if ((opts.ok ?? true) && result.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} in ${dir} exited ${result.code ?? res.signal ?? res.error?.message}:\n${result.stderr}\n${result.stdout}`);
  }
  return result;
}

/** Every symlink under node_modules (pnpm's layout is links) resolves inside the project. */
export function assertIsolated(dir: string): void {
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) {
        const real = fs.realpathSync(p);
        if (real.startsWith(REPO + path.sep) || !real.startsWith(dir + path.sep)) throw new Error(`${p} → ${real}: outside the user's project`);
      } else if (e.isDirectory()) walk(p);
    }
  };
  walk(path.join(dir, "node_modules"));
}
