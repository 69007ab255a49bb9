// Wall time: ~3 s (Ajv compiles the compose-spec schema once to compare the generated code).
/** synth's run-time schema check is the official compose-spec schema, compiled ahead of time. */
import * as fs from "node:fs";
import { checkComposeFile, toComposeModel } from "@berth/runtime";
import { Service, Stack, openSession, type Graph, type ServiceProps } from "@berth/dsl";

function graph(props: ServiceProps): Graph {
  openSession({ defaultProject: "test" });
  const stack = new Stack("app");
  new Service("web", props);
  return stack.toGraph();
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generate, OUT } = require("../../../scripts/compose-spec-validator.cjs") as { generate: () => string; OUT: string };

test("the checked-in validator is what ../shared/compose-spec/compose-spec.json compiles to (run node scripts/compose-spec-validator.cjs after an update)", () => {
  expect(fs.readFileSync(OUT, "utf8")).toBe(generate());
});

test("a model compose would reject is reported at the construct, at its place in the file", () => {
  const g = graph({ image: "nginx", extra: { logging: 5, frobnicate: true } });
  const problems = checkComposeFile(g, toComposeModel(g), { dir: "/" });
  expect(problems.map((p) => `${p.construct.kind} ${p.construct.name}: ${p.path}: ${p.message}`)).toEqual([
    "service web: services.web.frobnicate: compose would reject the file: is not a compose key",
    "service web: services.web.logging: compose would reject the file: must be object",
  ]);
  expect(problems[0].location).toEqual(g.services.web.location);
});

test("a valid model has no problems", () => {
  const g = graph({ image: "nginx", ports: [{ target: 80, published: 8080, hostIp: "127.0.0.1", protocol: "tcp" }] });
  expect(checkComposeFile(g, toComposeModel(g), { dir: "/" })).toEqual([]);
});
