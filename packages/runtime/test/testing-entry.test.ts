// Wall time: ~1 s (one esbuild bundle of the entry, in memory; no engine).
/**
 * `@berth/runtime/testing`: Testing.synth/graph/plan for users' jest suites, from an entry that
 * loads no engine client (dockerode), no ts-morph, no TypeScript and no esbuild: a test file
 * that imports it starts fast. Those modules are mocked to throw here, so loading one fails.
 */
jest.mock("dockerode", () => {
  throw new Error("dockerode was loaded");
});
jest.mock("ts-morph", () => {
  throw new Error("ts-morph was loaded");
});
jest.mock("typescript", () => {
  throw new Error("typescript was loaded");
});

import * as path from "node:path";
import { build } from "esbuild";
import { Construct, Service, Stack, closeSession, context, openSession, stage } from "@berth/dsl";
import { Testing } from "@berth/runtime/testing";

test("Testing.synth, Testing.graph and Testing.plan work from the light entry point", () => {
  const stack = new Stack("shop");
  const blue = new Construct(stack, "blue");
  const db = new Service(blue, "db", { image: "postgres:16" });
  new Service(blue, "web", { image: "nginx:1.27", dependsOn: [db] });

  expect(Object.keys(Testing.graph(stack).services)).toEqual(["blue-db", "blue-web"]);
  expect(Testing.synth(stack)).toContain("  blue-web:\n    image: nginx:1.27\n");
  const plan = Testing.plan(stack);
  expect(plan.project).toBe("shop");
  expect(Testing.preview(stack)).toContain("Plan: 3 to add, 0 to change, 0 to remove.");
});

describe("the README's jest examples", () => {
  afterEach(() => closeSession());

  test("the shop synthesizes its database", () => {
    const stack = new Stack("shop");
    new Service("db", { image: "postgres:16" });
    expect(Testing.synth(stack)).toContain("image: postgres:16");
    expect(Testing.graph(stack).services.db.image).toBe("postgres:16");
    expect(Testing.plan(stack).steps.length).toBeGreaterThan(0);
    expect(Testing.preview(stack)).toContain("+ service  db       postgres:16");
  });

  test("the prod stage uses the tag it is given", () => {
    openSession({ defaultProject: "shop", stage: "prod", context: { tag: "2" } });
    const stack = new Stack(`shop-${stage()}`);
    new Service("web", { image: `nginx:${context("tag", "latest")}` });
    expect(Testing.graph(stack).project).toBe("shop-prod");
    expect(Testing.graph(stack).services.web.image).toBe("nginx:2");
  });
});

test("the entry's module graph holds no engine client, no ts-morph, no TypeScript and no esbuild", async () => {
  const entry = path.join(__dirname, "../src/testing.ts");
  const result = await build({ entryPoints: [entry], bundle: true, platform: "node", packages: "external", write: false, metafile: true, logLevel: "silent" });
  const inputs = Object.keys(result.metafile.inputs);
  // @berth/dsl is bundled from its sources (tsconfig paths); every other package stays external.
  const externals = [...new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path)))].sort();

  // Of the engine folder only the pure image-reference parser (the planner compares references with it).
  expect(inputs.filter((f) => /\/(engine|import|check|load)\//.test(f))).toEqual(["packages/runtime/src/engine/references.ts"]);
  expect(externals.filter((x) => !x.startsWith("node:"))).toEqual(["yaml"]);
});
