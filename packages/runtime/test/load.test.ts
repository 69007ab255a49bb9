/**
 * load(): stack.ts → graph, with every error at the user's own file:line:col.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { load, LoadError } from "../src";

let dir: string;
let cacheDir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-load-"));
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-cache-"));
  process.env.BERTH_CACHE_DIR = cacheDir;
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(cacheDir, { recursive: true, force: true });
  delete process.env.BERTH_CACHE_DIR;
});

function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

async function loadError(file: string): Promise<Error> {
  try {
    await load(file, { cwd: dir });
  } catch (err) {
    return err as Error;
  }
  throw new Error("load() did not fail");
}

test("the card's one-liner joins the stack of the file, named after the folder when there is no Stack", async () => {
  const file = write("blog/stack.ts", `import { Service } from "@berth/dsl";\nnew Service("nginx", { image: "nginx:latest", ports: ["80:80"] });\n`);
  const { graph } = await load(file, { cwd: dir });
  expect(graph.project).toBe("blog");
  expect(graph.services.nginx).toMatchObject({ image: "nginx:latest", ports: [{ target: 80, published: 80, protocol: "tcp" }] });
  expect(graph.services.nginx.location).toEqual({ file: "blog/stack.ts", line: 2, column: 1 });
});

test("local imports and tsconfig paths are bundled; locations point into the imported file", async () => {
  write("tsconfig.json", JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["lib/*"] } } }));
  write("lib/db.ts", `import { Service } from "@berth/dsl";\n\nexport function db() {\n  return new Service("db", { image: "postgres:16" });\n}\n`);
  const file = write(
    "stack.ts",
    `import { Stack, Service } from "@berth/dsl";\nimport { db } from "@lib/db";\nconst s = new Stack("app");\nnew Service("web", { image: "nginx", dependsOn: [db()] });\nexport default s;\n`,
  );
  const { graph } = await load(file, { cwd: dir });
  expect(Object.keys(graph.services).sort()).toEqual(["db", "web"]);
  expect(graph.services.db.location).toEqual({ file: "lib/db.ts", line: 4, column: 10 });
  expect(graph.services.web.dependsOn).toEqual({ db: { condition: "service_started" } });
});

test("a syntax error is reported at the user's line with the offending code", async () => {
  const file = write("stack.ts", `import { Service } from "@berth/dsl";\nconst x = ;\n`);
  const err = await loadError(file);
  expect(err).toBeInstanceOf(LoadError);
  expect(err.message).toMatch(/^stack\.ts:2:11: error: Unexpected ";"/);
  expect(err.message).toContain("const x = ;");
});

test("an exception thrown by user code is reported at the user's line, not at generated code", async () => {
  write("helpers.ts", `export function must(v: string | undefined): string {\n  if (!v) throw new Error("IMAGE is not set");\n  return v;\n}\n`);
  const file = write(
    "stack.ts",
    `import { Service } from "@berth/dsl";\nimport { must } from "./helpers";\n\nnew Service("web", { image: must(undefined) });\n`,
  );
  const err = await loadError(file);
  expect(err.message.split("\n")[0]).toBe("helpers.ts:2:17: Error: IMAGE is not set");
  expect(err.message).toContain("stack.ts:4:29");
  expect(err.message).not.toContain(".berth.js");
});

test("validation problems carry the user's file:line:col through the bundle", async () => {
  const file = write("stack.ts", `import { Service } from "@berth/dsl";\n\nnew Service("web", { image: "nginx", ports: ["70000:80"] });\n`);
  const err = await loadError(file);
  expect(err.name).toBe("ValidationError");
  expect(err.message).toContain('stack.ts:3:1: service "web": ports[0] "70000:80"');
});

test("a missing file, and a folder instead of a file, are clear user errors", async () => {
  expect((await loadError(path.join(dir, "nope.ts"))).message).toBe("nope.ts: stack file not found");
  expect((await loadError(dir)).message).toContain("is a folder");
});

test("two stacks without a default export is an error that names both", async () => {
  const file = write(
    "stack.ts",
    `import { Stack, Service } from "@berth/dsl";\nnew Stack("a"); new Service("x", { image: "i" });\nnew Stack("b"); new Service("y", { image: "i" });\n`,
  );
  expect((await loadError(file)).message).toBe('stack.ts: defines 2 stacks ("a", "b"); export default the one to deploy');
});

test("a second load of an unchanged stack comes from the cache; a change in an imported file invalidates it", async () => {
  write("images.ts", `export const IMAGE = "nginx:1.25";\n`);
  const file = write("stack.ts", `import { Service } from "@berth/dsl";\nimport { IMAGE } from "./images";\nnew Service("web", { image: IMAGE });\n`);
  expect((await load(file, { cwd: dir })).cached).toBe(false);
  const warm = await load(file, { cwd: dir });
  expect(warm.cached).toBe(true);
  expect(warm.graph.services.web.image).toBe("nginx:1.25");
  write("images.ts", `export const IMAGE = "nginx:1.27";\n`);
  const changed = await load(file, { cwd: dir });
  expect(changed.cached).toBe(false);
  expect(changed.graph.services.web.image).toBe("nginx:1.27");
});

test("the stack gets the runtime's own @berth/dsl even when it brings another copy", async () => {
  // A node_modules copy that would make foreign constructs if it were used.
  write("node_modules/@berth/dsl/package.json", JSON.stringify({ name: "@berth/dsl", main: "index.js" }));
  write("node_modules/@berth/dsl/index.js", `throw new Error("the stack's own copy was loaded");`);
  const file = write("stack.ts", `import { Service } from "@berth/dsl";\nnew Service("web", { image: "nginx" });\n`);
  expect((await load(file, { cwd: dir })).graph.services.web.image).toBe("nginx");
});

test("env() reads the given environment first, then the .env beside the stack file", async () => {
  write("app/.env", "# compose's .env\nTAG=from-dotenv\nDB_PASSWORD='from dotenv'\n");
  const file = write(
    "app/stack.ts",
    `import { Service, env, sensitive } from "@berth/dsl";\nnew Service("web", { image: \`nginx:\${env("TAG")}\`, environment: { PW: sensitive(env("DB_PASSWORD")), MODE: env("MODE", "dev") } });\n`,
  );
  const fromDotenv = (await load(file, { cwd: dir, env: {} })).graph.services.web;
  expect(fromDotenv.image).toBe("nginx:from-dotenv");
  expect(fromDotenv.environment).toEqual({ MODE: "dev", PW: "from dotenv" });
  expect(fromDotenv.variables).toEqual({ "environment.PW": "DB_PASSWORD" });
  const fromShell = (await load(file, { cwd: dir, env: { TAG: "from-shell", MODE: "prod" } })).graph.services.web;
  expect(fromShell.image).toBe("nginx:from-shell");
  expect(fromShell.environment?.MODE).toBe("prod");
});

test("an unset env() without a default is a user error at the stack's line, not an exception in generated code", async () => {
  const file = write("stack.ts", `import { Service, env } from "@berth/dsl";\n\nnew Service("web", { image: env("IMAGE") });\n`);
  const err = await loadError(file);
  expect(err.message).toMatch(/^stack\.ts:3:29: environment variable IMAGE is not set: /);
  expect(err.message).not.toContain(".berth.js");
});

test("onSensitive receives every sensitive value, also when validation fails", async () => {
  const file = write(
    "stack.ts",
    `import { Service, sensitive } from "@berth/dsl";\nnew Service("web", { image: "nginx", ports: ["70000:80"], environment: { PW: sensitive("marker-secret") } });\n`,
  );
  const seen: string[] = [];
  await expect(load(file, { cwd: dir, onSensitive: (values) => seen.push(...values) })).rejects.toThrow(/host port 70000/);
  expect(seen).toEqual(["marker-secret"]);
});
