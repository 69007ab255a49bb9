import * as fs from "node:fs";
import * as path from "node:path";
import { dslPackageDir, importCompose, projectNameFromDir } from "@berth/runtime";
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
 * A tsconfig that gives editors the DSL's types: \`@berth/dsl\` maps to the package this
 * \`dsl\` runs stacks with, so completion, doc comments and \`dsl check\` agree.
 */
function tsconfig(dir: string): string {
  const entry = path.join(dslPackageDir(), "src/index.ts");
  let rel = path.relative(dir, entry).split(path.sep).join("/");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  const config = {
    compilerOptions: {
      strict: true,
      target: "ES2022",
      module: "preserve",
      moduleResolution: "bundler",
      lib: ["ES2022"],
      types: [],
      noEmit: true,
      skipLibCheck: true,
      paths: { "@berth/dsl": [rel] },
    },
    include: ["*.ts"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
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
    io.stdout.write(`kept ${show(tsconfigPath)} (map "@berth/dsl" in its paths for editor completion)\n`);
  } else {
    writeAtomically(tsconfigPath, tsconfig(dir));
    io.stdout.write(`created ${show(tsconfigPath)} (editor completion for @berth/dsl)\n`);
  }
  io.stdout.write(`next: dsl check ${show(stackPath)} && dsl synth ${show(stackPath)}\n`);
}
