/**
 * `typecheck`: a stack checked against the DSL's declarations, each problem at the user's
 * file:line:col; the user's tsconfig when there is one; answered from a cache when nothing changed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatDiagnostic, typecheck } from "@berth/runtime";

let dir: string;
const env = { ...process.env };
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-check-")));
  process.env.BERTH_CACHE_DIR = path.join(dir, ".cache");
});
afterEach(() => {
  process.env = { ...env };
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const GOOD = `import { Service, Stack, Volume } from "@berth/dsl";
const stack = new Stack("demo");
const data = new Volume("data");
new Service("web", { image: "nginx:1.27", volumes: [{ source: data, target: "/data" }] });
export default stack;
`;

test("a correct stack has no diagnostics", async () => {
  write("stack.ts", GOOD);
  const result = await typecheck("stack.ts", { cwd: dir });
  expect(result.diagnostics).toEqual([]);
  expect(result.cached).toBe(false);
});

test("each problem is reported at the user's file:line:col with TypeScript's message", async () => {
  write(
    "stack.ts",
    [
      `import { Service, Stack } from "@berth/dsl";`,
      `const stack = new Stack("demo");`,
      `const db = new Service("db", { image: "postgres:16" });`,
      `new Service("web", {`,
      `  image: "nginx",`,
      `  restart: "sometimes",`,
      `  dependsOn: ["db"],`,
      `});`,
      `void db;`,
      `export default stack;`,
    ].join("\n"),
  );
  const { diagnostics } = await typecheck("stack.ts", { cwd: dir });
  expect(diagnostics.map(formatDiagnostic)).toEqual([
    `stack.ts:6:3: error TS2322: Type '"sometimes"' is not assignable to type 'RestartPolicy | undefined'.`,
    `stack.ts:7:15: error TS2322: Type 'string' is not assignable to type 'Dependency'.`,
  ]);
});

test("problems in a local file the stack imports are reported there", async () => {
  write("lib/images.ts", `export const nginx: number = "nginx:1.27";\n`);
  write("stack.ts", `import { Service } from "@berth/dsl";\nimport { nginx } from "./lib/images";\nnew Service("web", { image: String(nginx) });\n`);
  const { diagnostics } = await typecheck("stack.ts", { cwd: dir });
  expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(["lib/images.ts:1:14"]);
});

test("the user's tsconfig.json decides the rules (here: noUnusedLocals)", async () => {
  write("stack.ts", GOOD.replace(`const data`, `const unused = 1;\nconst data`));
  expect((await typecheck("stack.ts", { cwd: dir })).diagnostics).toEqual([]);
  write(
    "tsconfig.json",
    JSON.stringify({ compilerOptions: { strict: true, noUnusedLocals: true, module: "preserve", moduleResolution: "bundler", types: [] } }),
  );
  const result = await typecheck("stack.ts", { cwd: dir });
  expect(result.tsconfig).toBe(path.join(dir, "tsconfig.json"));
  expect(result.diagnostics.map(formatDiagnostic)).toEqual([`stack.ts:3:7: error TS6133: 'unused' is declared but its value is never read.`]);
});

test("an unchanged stack is answered from the cache; a change to it, or to a file it imports, checks again", async () => {
  write("parts.ts", `export const image = "nginx:1.27";\n`);
  write("stack.ts", `import { Service } from "@berth/dsl";\nimport { image } from "./parts";\nnew Service("web", { image });\n`);
  expect((await typecheck("stack.ts", { cwd: dir })).cached).toBe(false);
  const warm = await typecheck("stack.ts", { cwd: dir });
  expect(warm.cached).toBe(true);
  expect(warm.diagnostics).toEqual([]);
  write("parts.ts", `export const image = 42;\n`);
  const changed = await typecheck("stack.ts", { cwd: dir });
  expect(changed.cached).toBe(false);
  expect(changed.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(["stack.ts:3"]);
  expect((await typecheck("stack.ts", { cwd: dir, cache: false })).cached).toBe(false);
});

test("a 50-service stack: the warm check (nothing changed) takes well under a second", async () => {
  const lines = [`import { Service, Stack } from "@berth/dsl";`, `const stack = new Stack("big");`];
  for (let i = 0; i < 50; i++) {
    const dep = i > 0 ? `, dependsOn: [s${i - 1}]` : "";
    lines.push(
      `const s${i} = new Service("s${i}", { image: "busybox:1.36", init: true, command: ["sleep", "infinity"], environment: { N: ${i} }, ports: ["127.0.0.1:${20000 + i}:80"]${dep} });`,
    );
  }
  lines.push(`void s49;`, `export default stack;`);
  write("stack.ts", lines.join("\n"));
  const cold = await typecheck("stack.ts", { cwd: dir });
  expect(cold.diagnostics).toEqual([]);
  const started = process.hrtime.bigint();
  const warm = await typecheck("stack.ts", { cwd: dir });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  expect(warm.cached).toBe(true);
  expect(ms).toBeLessThan(250);
});

test("a stack that reads process.env passes: node's types come with the check (no second `process` is declared)", async () => {
  const stack = `import { Service } from "@berth/dsl";\nnew Service("web", { image: process.env.IMAGE ?? "nginx:1.27", environment: { HOME: process.env.HOME ?? null } });\n`;
  write("stack.ts", stack);
  expect((await typecheck("stack.ts", { cwd: dir, cache: false })).diagnostics).toEqual([]);
  // The same with the user's own tsconfig (its rules, node's types still there).
  write("tsconfig.json", JSON.stringify({ compilerOptions: { strict: true, noUnusedLocals: true } }));
  expect((await typecheck("stack.ts", { cwd: dir, cache: false })).diagnostics).toEqual([]);
});

test("a missing stack file is the user's error", async () => {
  await expect(typecheck("nope.ts", { cwd: dir })).rejects.toThrow("nope.ts: stack file not found");
});
