import * as fs from "node:fs";
import * as path from "node:path";
import { dslPackageDir, dslTypes, importCompose, projectNameFromDir } from "@berth/runtime";
import { UsageError } from "../errors";
import type { GlobalOptions, Io } from "../io";
import { writeAtomically } from "./import";

export interface InitOptions extends GlobalOptions {
  readonly force?: boolean;
  readonly project?: string;
}

/** The compose file names compose itself looks for, in its order of preference. */
const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

function starter(project: string): string {
  return `/**
 * The ${project} stack. \`dsl synth\` prints it as a docker-compose file, \`dsl apply\` runs it.
 */
import { Service, Stack } from "@berth/dsl";

const stack = new Stack(${JSON.stringify(project)});

new Service("web", {
  image: "nginx:1.27-alpine",
  ports: ["127.0.0.1:8080:80"],
});

export default stack;
`;
}

/**
 * A tsconfig for \`tsc\` and editors. Installed, \`@berth/dsl\` resolves from node_modules like
 * any package (its \`exports\` name the shipped declarations): no paths. From a source checkout
 * (this monorepo), whose DSL has no declarations until it is built, \`paths\` maps it to the
 * sources this \`dsl\` runs stacks with, so completion, doc comments and \`dsl check\` agree.
 */
function tsconfig(dir: string): string {
  const compilerOptions: Record<string, unknown> = {
    strict: true,
    target: "ES2022",
    module: "preserve",
    moduleResolution: "bundler",
    lib: ["ES2022"],
    types: [],
    noEmit: true,
    skipLibCheck: true,
  };
  if (fromSources()) {
    let rel = path.relative(dir, path.join(dslPackageDir(), "src/index.ts")).split(path.sep).join("/");
    if (!rel.startsWith(".")) rel = `./${rel}`;
    compilerOptions.paths = { "@berth/dsl": [rel] };
  }
  return `${JSON.stringify({ compilerOptions, include: ["*.ts"] }, null, 2)}\n`;
}

/** True when this \`dsl\` runs a source checkout's DSL (this monorepo) rather than an installed package. */
const fromSources = () => dslTypes().srcDir !== undefined;

/** True when \`name\` resolves from \`dir\`, as tsc and the editor will resolve it. */
function resolvable(name: string, dir: string): boolean {
  try {
    require.resolve(`${name}/package.json`, { paths: [dir] });
    return true;
  } catch {
    return false;
  }
}

type PackageManager = "npm" | "pnpm" | "yarn";

/** The project's package manager, by the nearest lockfile (npm when there is none). */
function packageManager(dir: string): PackageManager {
  for (let d = dir; path.dirname(d) !== d; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "pnpm-lock.yaml")) || fs.existsSync(path.join(d, "pnpm-workspace.yaml"))) return "pnpm";
    if (fs.existsSync(path.join(d, "yarn.lock"))) return "yarn";
    if (fs.existsSync(path.join(d, "package-lock.json"))) return "npm";
  }
  return "npm";
}

const INSTALL: Readonly<Record<PackageManager, string>> = { npm: "npm install --save-dev", pnpm: "pnpm add -D", yarn: "yarn add -D" };
/** How each runs the project's own `dsl` (never one fetched from the registry). */
const RUN: Readonly<Record<PackageManager, string>> = { npm: "npx dsl", pnpm: "pnpm exec dsl", yarn: "yarn dsl" };

/** What to run next: installed, the project's own \`dsl\` through its package manager; plus what the project still lacks. */
function nextSteps(dir: string, stack: string, io: Io): void {
  if (fromSources()) {
    io.stdout.write(`next: dsl check ${stack} && dsl synth ${stack}\n`);
    return;
  }
  const pm = packageManager(dir);
  const missing = ["@berth/dsl", "typescript"].filter((name) => !resolvable(name, dir));
  if (missing.length) io.stdout.write(`install: ${INSTALL[pm]} ${missing.join(" ")} (for tsc and dsl check, which type-check stack.ts)\n`);
  const dsl = RUN[pm];
  io.stdout.write(`next: ${dsl} check ${stack} && ${dsl} synth ${stack} && ${dsl} apply ${stack}\n`);
}

/** `dsl init [dir]`: a stack.ts (imported from the compose file found there, else a starter) and a tsconfig.json. */
export async function initCommand(dirArg: string | undefined, opts: InitOptions, io: Io): Promise<void> {
  const dir = path.resolve(io.cwd, dirArg ?? ".");
  const show = (f: string) => path.relative(io.cwd, f) || f;
  fs.mkdirSync(dir, { recursive: true });
  const stackPath = path.join(dir, "stack.ts");
  if (fs.existsSync(stackPath) && !opts.force) throw new UsageError(`${show(stackPath)} already exists; pass --force to overwrite it`);
  const compose = COMPOSE_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  let code: string;
  let how: string;
  if (compose) {
    const result = importCompose(compose, { cwd: io.cwd, env: io.env, project: opts.project, outDir: dir });
    code = result.code;
    how = `imported from ${path.basename(compose)}: project "${result.project}"`;
  } else {
    const project = opts.project ?? projectNameFromDir(dir);
    code = starter(project);
    how = `a starter stack: project "${project}"`;
  }
  writeAtomically(stackPath, code);
  io.stdout.write(`created ${show(stackPath)} (${how})\n`);
  const tsconfigPath = path.join(dir, "tsconfig.json");
  if (fs.existsSync(tsconfigPath)) {
    io.stdout.write(`kept ${show(tsconfigPath)}${fromSources() ? ` (map "@berth/dsl" in its paths for editor completion)` : ""}\n`);
  } else {
    writeAtomically(tsconfigPath, tsconfig(dir));
    io.stdout.write(`created ${show(tsconfigPath)} (editor completion for @berth/dsl)\n`);
  }
  nextSteps(dir, show(stackPath), io);
}
