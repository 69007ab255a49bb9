/**
 * Every example's checked-in docker-compose.yml is what `dsl synth` prints for its stack.ts,
 * and Debian's docker-compose 1.29 accepts it and reads back the values of the graph.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { load, sensitiveVariables, toComposeModel } from "@berth/runtime";
import { composeConfig, normalizeModel, normalizeReadback, specErrors } from "../../runtime/test/helpers/compose-oracle";
import { dsl, REPO } from "./helpers";

const examplesDir = path.join(REPO, "examples");
const examples = fs.readdirSync(examplesDir).filter((d) => fs.existsSync(path.join(examplesDir, d, "stack.ts")));

test("synth from another folder rebases relative paths, so `dsl synth examples/x/stack.ts | docker-compose -f - config` works from the repo root", async () => {
  const yaml = dsl(["synth", "examples/django-postgres/stack.ts"]).stdout;
  expect(yaml).toContain("context: ./examples/django-postgres/app");
  const { graph } = await load(path.join(examplesDir, "django-postgres/stack.ts"), { cwd: REPO, cache: false });
  const readBack = composeConfig(yaml, { project: graph.project, cwd: REPO, env: sensitiveVariables(graph) });
  expect((readBack.services as Record<string, { build: { context: string } }>).web.build.context).toBe(path.join(examplesDir, "django-postgres/app"));
});

test("the three examples the README promises are there", () => {
  expect(examples).toEqual(expect.arrayContaining(["django-postgres", "nginx-php", "node-mongo"]));
});

describe.each(examples)("examples/%s", (name) => {
  const dir = path.join(examplesDir, name);

  test("docker-compose.yml is in sync with stack.ts (regenerate with `pnpm exec dsl synth stack.ts -o docker-compose.yml`)", () => {
    const res = dsl(["synth", "stack.ts"], { cwd: dir });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(fs.readFileSync(path.join(dir, "docker-compose.yml"), "utf8"));
  });

  test("`dsl synth examples/<name>/stack.ts | docker-compose -f - config` (from the repo root), with the sensitive variables set, accepts it and reads back the graph's values", async () => {
    const { graph } = await load(path.join(dir, "stack.ts"), { cwd: REPO, cache: false });
    expect(specErrors(toComposeModel(graph))).toEqual([]);
    const model = toComposeModel(graph, { sensitive: "inline" });
    const yaml = dsl(["synth", `examples/${name}/stack.ts`]).stdout;
    for (const value of Object.values(sensitiveVariables(graph))) expect(yaml).not.toContain(value);
    const readBack = composeConfig(yaml, { project: graph.project, cwd: REPO, env: sensitiveVariables(graph) });
    // Paths read back absolute; the model's are relative to the stack's folder.
    expect(normalizeReadback(readBack, REPO)).toEqual(normalizeModel(model, dir));
  });
});
