/**
 * Berth installed like a user installs it: the three packages packed as they are published,
 * installed from the tarballs into a fresh project outside the repo (once with npm, once with
 * pnpm), and the README's commands run there through the project's own `dsl`: init, the
 * user's own `tsc --noEmit`, check, synth, then apply / ps / destroy on the test engine.
 *
 * Wall time ≈ 100 s on the 2-core test machine with a warm npm cache (pack ≈ 25 s, the npm
 * project ≈ 45 s, the pnpm project ≈ 30 s); the first run on a machine also downloads the
 * dependencies (dockerode, esbuild, typescript, ts-morph) from the registry.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { BUSYBOX, describeEngine, REPO, snapshot, useE2E } from "./helpers";
import { assertIsolated, newProject, pack, sh, type Tarballs, userEnv } from "./user-project";

const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-install-")));
const env = userEnv(path.join(work, "cache"));
let tarballs: Tarballs;
const projects: string[] = [];

beforeAll(() => {
  tarballs = pack(path.join(work, "tarballs"));
}, 300_000);
afterAll(() => {
  for (const dir of [work, ...projects]) fs.rmSync(dir, { recursive: true, force: true });
});

const PNPM = ["--yes", "pnpm@12.4.2"];
const version = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(REPO, "packages", pkg, "package.json"), "utf8")) as { version: string }).version;

/** What `npm pack --dry-run` would put in the package (after the build pnpm pack ran). */
function npmPackList(pkg: string): string[] {
  const res = sh(path.join(REPO, "packages", pkg), env, "npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
  return (JSON.parse(res.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
}

const tarList = (tgz: string) =>
  sh(work, env, "tar", ["tzf", tgz])
    .stdout.split("\n")
    .filter((l) => l && !l.endsWith("/"))
    .map((l) => l.replace(/^package\//, ""))
    .sort();

describe("the packed packages", () => {
  test.each(["dsl", "runtime", "cli"] as const)(
    "@berth/%s: npm pack --dry-run lists no test file and no TypeScript source outside .d.ts; the tarball holds exactly that, with the LICENSE",
    (pkg) => {
      const files = npmPackList(pkg);
      expect(tarList(tarballs[pkg])).toEqual(files);
      expect(files.filter((f) => /(^|\/)(test|tests|__tests__|fixtures)\/|\.test\.|\.spec\./.test(f))).toEqual([]);
      expect(files.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !/\.d\.ts$/.test(f))).toEqual([]);
      expect(files).toEqual(
        expect.arrayContaining(["LICENSE", "package.json", ...(pkg === "cli" ? ["bin/dsl.js", "dist/cli.js"] : ["dist/index.js", "dist/index.d.ts"])]),
      );
      expect(fs.readFileSync(path.join(REPO, "packages", pkg, "LICENSE"), "utf8")).toBe(fs.readFileSync(path.join(REPO, "LICENSE"), "utf8"));
      const manifest = JSON.parse(sh(work, env, "tar", ["xzf", tarballs[pkg], "-O", "package/package.json"]).stdout) as Record<string, unknown>;
      expect(manifest).toMatchObject({ license: "Apache-2.0", engines: { node: ">=20" }, repository: { type: "git" } });
      expect(manifest.exports).toBeDefined();
      // pnpm pack turned workspace:* into the exact version: the CLI runs exactly the DSL it ships with.
      expect(JSON.stringify(manifest.dependencies ?? {})).not.toContain("workspace:");
      if (pkg !== "dsl") expect((manifest.dependencies as Record<string, string>)["@berth/dsl"]).toBe(version("dsl"));
    },
    60_000,
  );
});

/** The doc comments of every property signature in a file, whitespace normalized. */
function propDocs(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertySignature(node)) out.push(...ts.getJSDocCommentsAndTags(node).map((d) => d.getText().replace(/\s+/g, " ")));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

test("@berth/dsl's declarations keep the doc comment of every prop its sources document", () => {
  const src = path.join(REPO, "packages/dsl/src");
  const files = fs.readdirSync(src).filter((f) => f.endsWith(".ts"));
  let documented = 0;
  const missing = files.flatMap((f) => {
    const shipped = new Set(propDocs(path.join(REPO, "packages/dsl/dist", f.replace(/\.ts$/, ".d.ts"))));
    const docs = propDocs(path.join(src, f));
    documented += docs.length;
    return docs.filter((d) => !shipped.has(d)).map((d) => `${f}: ${d}`);
  });
  expect(documented).toBeGreaterThan(100);
  expect(missing).toEqual([]);
});

/** The user's first stack edit: the starter's nginx becomes the test engine's busybox, with a volume and a dependency. */
const engineStack = (project: string) => `import { Service, Stack, Volume } from "@berth/dsl";

const stack = new Stack(${JSON.stringify(project)});
const data = new Volume("data");
const db = new Service("db", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"], volumes: [{ source: data, target: "/data" }] });
new Service("web", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"], dependsOn: [db] });
export default stack;
`;

/** The hover an editor shows on `member` in `file`, from the project's own TypeScript language service. */
const HOVER = `const ts = require("typescript"), fs = require("fs"), path = require("path");
const [file, member] = process.argv.slice(2).map((a, i) => (i === 0 ? path.resolve(a) : a));
const cfg = ts.parseJsonConfigFileContent(ts.readConfigFile("tsconfig.json", ts.sys.readFile).config, ts.sys, process.cwd());
const snap = (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, "utf8")) : undefined);
const { fileExists, readFile, readDirectory, directoryExists, getDirectories } = ts.sys;
const ls = ts.createLanguageService({ fileExists, readFile, readDirectory, directoryExists, getDirectories, getScriptFileNames: () => cfg.fileNames, getScriptVersion: () => "1", getScriptSnapshot: snap,
  getCurrentDirectory: () => process.cwd(), getCompilationSettings: () => cfg.options, getDefaultLibFileName: ts.getDefaultLibFilePath });
const info = ls.getQuickInfoAtPosition(file, fs.readFileSync(file, "utf8").indexOf(member + ":") + 1);
console.log(JSON.stringify({ display: ts.displayPartsToString(info.displayParts), documentation: ts.displayPartsToString(info.documentation),
  tags: (info.tags || []).map((t) => t.name + " " + ts.displayPartsToString(t.text)), definition: ls.getDefinitionAtPosition(file, fs.readFileSync(file, "utf8").indexOf(member + ":") + 1)[0].fileName }));
`;

/** apply, ps, destroy --volumes on the test engine; afterwards nothing of the project is left. */
async function applyPsDestroy(
  dsl: (...args: string[]) => { stdout: string; stderr: string },
  docker: (args: readonly string[]) => Promise<string>,
  project: string,
): Promise<void> {
  const applied = dsl("apply", "--yes");
  expect(applied.stdout).toMatch(/Apply complete: 4 added/);
  const ps = dsl("ps").stdout;
  expect(ps).toContain(`Project "${project}"`);
  expect(ps).toMatch(new RegExp(`db\\s+${project}-db-1\\s+running`));
  expect(ps).toMatch(new RegExp(`web\\s+${project}-web-1\\s+running`));
  expect(dsl("destroy", "--yes", "--volumes").stdout).toMatch(/Destroy complete: 0 added, 0 changed, 4 removed/);
  expect(await snapshot(docker, project)).toEqual({ containers: [], networks: [], volumes: [] });
}

describeEngine("installed with npm into a fresh project", () => {
  const fx = useE2E();

  test("npm install, npx dsl init, synth; check and import name the optional package they need; the user's tsc and dsl check agree; hover shows the DSL's doc comments; apply, ps, destroy; @berth/runtime works as a library", async () => {
    const dir = newProject("npm");
    projects.push(dir);
    const npx = (...args: string[]) => sh(dir, env, "npx", ["--no", "--", ...args]);
    const dsl = (...args: string[]) => npx("dsl", ...args);

    // GIVEN the install command (the tarballs standing in for the registry)
    sh(dir, env, "npm", ["install", "--save-dev", "--no-audit", "--no-fund", tarballs.cli, tarballs.dsl]);
    assertIsolated(dir);
    expect(dsl("--version").stdout).toBe(`${version("cli")}\n`);

    // WHEN dsl init runs in the empty project THEN it writes a starter and a tsconfig with no paths, and says what is next
    const init = dsl("init");
    expect(init.stdout).toBe(
      [
        `created stack.ts (a starter stack: project ${JSON.stringify(path.basename(dir).toLowerCase())})`,
        "created tsconfig.json (editor completion for @berth/dsl)",
        "install: npm install --save-dev typescript (for tsc and dsl check, which type-check stack.ts)",
        "next: npx dsl check stack.ts && npx dsl synth stack.ts && npx dsl apply stack.ts",
        "",
      ].join("\n"),
    );
    const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions.paths).toBeUndefined();
    expect(dsl("synth").stdout).toContain("services:\n  web:\n    image: nginx:1.27-alpine\n");

    // AND dsl check without TypeScript says in one line what to install (an optional peer, as ts-morph for dsl import)
    const noTs = sh(dir, env, "npx", ["--no", "--", "dsl", "check"], { ok: false });
    expect([noTs.code, noTs.stderr]).toEqual([
      1,
      "error: Type-checking a stack needs the typescript package, which is not installed: npm install --save-dev typescript (pnpm add -D typescript)\n",
    ]);
    fs.writeFileSync(path.join(dir, "compose.yml"), "services:\n  web:\n    image: nginx\n");
    const imp = sh(dir, env, "npx", ["--no", "--", "dsl", "import", "compose.yml", "-o", "-"], { ok: false });
    expect([imp.code, imp.stderr]).toEqual([
      1,
      "error: Writing a stack.ts from a compose file needs the ts-morph package, which is not installed: npm install --save-dev ts-morph@28 (pnpm add -D ts-morph@28)\n",
    ]);

    // WHEN the user adds their own TypeScript THEN tsc and dsl check accept the starter
    sh(dir, env, "npm", ["install", "--save-dev", "--no-audit", "--no-fund", "typescript@5.9.3"]);
    npx("tsc", "--noEmit");
    npx("tsc", "--noEmit", "--skipLibCheck", "false"); // the DSL's declarations are clean on their own, without @types/node
    expect(dsl("check").stderr).toMatch(/^stack\.ts: no type errors/);

    // AND a type error is the same for tsc and dsl check
    fs.writeFileSync(path.join(dir, "bad.ts"), `import { Service } from "@berth/dsl";\nnew Service("x", { image: 42 });\n`);
    expect(sh(dir, env, "npx", ["--no", "--", "tsc", "--noEmit", "--pretty", "false"], { ok: false }).stdout).toContain(
      "bad.ts(2,20): error TS2322: Type 'number' is not assignable to type 'string'.",
    );
    const bad = sh(dir, env, "npx", ["--no", "--", "dsl", "check", "bad.ts"], { ok: false });
    expect([bad.code, bad.stdout]).toEqual([1, "bad.ts:2:20: error TS2322: Type 'number' is not assignable to type 'string'.\n"]);
    fs.rmSync(path.join(dir, "bad.ts"));

    // AND hovering `image` shows the doc comment written in the DSL's source, from the installed .d.ts
    fs.writeFileSync(path.join(dir, "hover.cjs"), HOVER);
    const hover = JSON.parse(sh(dir, env, process.execPath, ["hover.cjs", "stack.ts", "image"]).stdout) as {
      display: string;
      documentation: string;
      tags: string[];
      definition: string;
    };
    expect(hover.display).toBe("(property) ServiceProps.image?: string | undefined");
    expect(hover.documentation).toMatch(/^Image to run, e\.g\. `"postgres:16"`\./);
    expect(fs.readFileSync(path.join(REPO, "packages/dsl/src/service-props.ts"), "utf8")).toContain(
      `/** ${hover.documentation} @default none */\n  readonly image?: string;`,
    );
    expect(hover.tags).toEqual(["default none"]);
    expect(hover.definition).toBe(path.join(dir, "node_modules/@berth/dsl/dist/service-props.d.ts"));

    // WHEN the user points the stack at an image the engine has THEN apply, ps and destroy work on the test engine
    const project = fx.project("inst-npm");
    fs.writeFileSync(path.join(dir, "stack.ts"), engineStack(project));
    npx("tsc", "--noEmit");
    await applyPsDestroy(dsl, fx.docker, project);

    // AND @berth/runtime installs and runs as a library: typed, and synthesizing the user's stack
    sh(dir, env, "npm", ["install", "--save-dev", "--no-audit", "--no-fund", tarballs.runtime]);
    fs.writeFileSync(
      path.join(dir, "lib.ts"),
      `import { Testing } from "@berth/runtime";\nimport stack from "./stack";\nexport const yaml: string = Testing.synth(stack);\n`,
    );
    npx("tsc", "--noEmit");
    const lib = sh(dir, env, process.execPath, [
      "-e",
      `const { Stack, Service } = require("@berth/dsl"); const { Testing } = require("@berth/runtime"); const s = new Stack("lib"); new Service("web", { image: "nginx:1.27" }); process.stdout.write(Testing.synth(s));`,
    ]);
    expect(lib.stdout).toContain("services:\n  web:\n    image: nginx:1.27\n");
  }, 600_000);
});

describeEngine("installed with pnpm into a fresh project", () => {
  const fx = useE2E();

  test("pnpm add (with ts-morph), dsl init imports the compose file, the user's tsc, dsl check, synth, apply, ps, destroy", async () => {
    const dir = newProject("pnpm");
    projects.push(dir);
    const pnpm = (...args: string[]) => sh(dir, env, "npx", [...PNPM, ...args]);
    const dsl = (...args: string[]) => pnpm("exec", "dsl", ...args);
    const project = fx.project("inst-pnpm");

    // GIVEN a repo with a compose file, and pnpm 12's list of the dependencies' build scripts (README);
    // @berth/dsl comes from its tarball for the CLI too (it stands in for the registry)
    fs.writeFileSync(
      path.join(dir, "pnpm-workspace.yaml"),
      `allowBuilds:\n  esbuild: true\n  cpu-features: false\n  protobufjs: false\n  ssh2: false\noverrides:\n  "@berth/dsl": ${JSON.stringify(`file:${tarballs.dsl}`)}\n`,
    );
    fs.writeFileSync(
      path.join(dir, "compose.yaml"),
      `name: ${project}\nservices:\n  db:\n    image: ${BUSYBOX}\n    init: true\n    command: ["sleep", "3600"]\n    volumes: [data:/data]\n  web:\n    image: ${BUSYBOX}\n    init: true\n    command: ["sleep", "3600"]\n    depends_on: [db]\nvolumes:\n  data: {}\n`,
    );
    pnpm("add", "-D", tarballs.cli, tarballs.dsl, "typescript@5.9.3", "ts-morph@28.0.0");
    assertIsolated(dir);

    // WHEN dsl init runs THEN it imports the compose file and the next commands use pnpm
    const init = dsl("init");
    expect(init.stdout).toBe(
      [
        `created stack.ts (imported from compose.yaml: project "${project}")`,
        "created tsconfig.json (editor completion for @berth/dsl)",
        "next: pnpm exec dsl check stack.ts && pnpm exec dsl synth stack.ts && pnpm exec dsl apply stack.ts",
        "",
      ].join("\n"),
    );
    expect(fs.readFileSync(path.join(dir, "stack.ts"), "utf8")).toContain(`dependsOn: [db]`);

    // AND the user's tsc, dsl check and dsl synth accept it, then apply, ps and destroy work on the test engine
    pnpm("exec", "tsc", "--noEmit");
    expect(dsl("check").stderr).toMatch(/^stack\.ts: no type errors/);
    expect(dsl("synth").stdout).toContain(`# project: ${project}\nservices:\n  db:\n`);
    await applyPsDestroy(dsl, fx.docker, project);
  }, 600_000);
});
