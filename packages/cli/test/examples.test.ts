/**
 * Every example's checked-in docker-compose.yml is what `dsl synth` prints for its stack.ts,
 * and Debian's docker-compose 1.29 accepts it and reads back the values of the graph.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { load, toComposeModel } from "@berth/runtime";
import { composeConfig, normalizeModel, normalizeReadback, specErrors } from "../../runtime/test/helpers/compose-oracle";
import { dsl, REPO } from "./helpers";

const examplesDir = path.join(REPO, "examples");
const examples = fs.readdirSync(examplesDir).filter((d) => fs.existsSync(path.join(examplesDir, d, "stack.ts")));

test("the three examples the README promises are there", () => {
  expect(examples).toEqual(expect.arrayContaining(["django-postgres", "nginx-php", "node-mongo"]));
});

describe.each(examples)("examples/%s", (name) => {
  const dir = path.join(examplesDir, name);

  test("docker-compose.yml is in sync with stack.ts (regenerate with `pnpm exec dsl synth stack.ts -o docker-compose.yml`)", () => {
    const res = dsl(["synth", `examples/${name}/stack.ts`]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(fs.readFileSync(path.join(dir, "docker-compose.yml"), "utf8"));
  });

  test("docker-compose 1.29 accepts the synthesized file and reads back the graph's values", async () => {
    const { graph } = await load(path.join(dir, "stack.ts"), { cwd: REPO, cache: false });
    const model = toComposeModel(graph);
    expect(specErrors(model)).toEqual([]);
    const yaml = dsl(["synth", "stack.ts"], { cwd: dir }).stdout;
    const readBack = composeConfig(yaml, { project: graph.project, cwd: dir });
    expect(normalizeReadback(readBack, dir)).toEqual(normalizeModel(model, dir));
  });
});
