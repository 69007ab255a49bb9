/**
 * Saved plans without Docker: the file form of a plan holds no sensitive value, a plan of
 * another format is refused with a clear message, sensitive values come back from the stack
 * only when their digest still matches, and the fingerprint check names what moved.
 */
import type { Graph } from "@berth/dsl";
import { planCompose } from "../src/compose/plan";
import type { Observed } from "../src/compose/observed";
import { composeTarget } from "../src/compose/target";
import { resolveDesired } from "../src/desired/resolve";
import { restoreHidden, hiddenRefs, type Hidden } from "../src/target/hidden";
import { moved, needsStack, planFromJson, planToJson } from "../src/target/saved";

const here = { file: "stack.ts", line: 1, column: 1 };
const graph = (password: string): Graph => ({
  version: 1,
  project: "sv",
  location: here,
  services: {
    web: {
      name: "web",
      location: here,
      image: "web:1",
      environment: { LOG_LEVEL: "info", DB_PASSWORD: password },
      sensitive: ["environment.DB_PASSWORD"],
      secrets: [{ source: "token" }],
    },
  },
  networks: {},
  volumes: {},
  secrets: { token: { name: "token", location: here, environment: "TOKEN" } },
  configs: {},
});
const empty: Observed = {
  project: "sv",
  endpoint: "test",
  containers: [],
  networks: [],
  volumes: [],
  foreign: [],
  foreignNetworks: [],
  foreignVolumes: [],
  images: {},
};
const desiredOf = (password: string, token: string) => resolveDesired(graph(password), { dir: "/s", env: { TOKEN: token } });

test("a plan file holds every step but no sensitive value: each is a reference with a digest", () => {
  const plan = planCompose(desiredOf("hunter2-marker", "t0ken-marker"), empty);
  const text = planToJson(plan);
  expect(text).not.toContain("hunter2-marker");
  expect(text).not.toContain("t0ken-marker");
  const back = planFromJson(text, "plan.json");
  expect(back.steps.map((s) => s.op)).toEqual(plan.steps.map((s) => s.op));
  expect(needsStack(back)).toBe(true);
  expect(hiddenRefs(back.steps).map((r) => r.sensitive)).toEqual(["service web: environment.DB_PASSWORD", "secret token"]);
  // The values come back from the stack, and the step then carries them for the engine call.
  const restored = restoreHidden(back, composeTarget.hidden(desiredOf("hunter2-marker", "t0ken-marker")));
  const create = restored.steps.find((s) => s.op === "container.create") as { hiddenEnv: Record<string, Hidden> };
  expect(create.hiddenEnv.DB_PASSWORD.reveal()).toBe("hunter2-marker");
  expect(JSON.stringify(restored)).not.toContain("hunter2-marker");
});

test("a sensitive value that changed since the plan was saved is refused, naming it and never showing it", () => {
  const back = planFromJson(planToJson(planCompose(desiredOf("old-pw", "t"), empty)), "plan.json");
  expect(() => restoreHidden(back, composeTarget.hidden(desiredOf("new-pw", "t")))).toThrow(
    "the sensitive value service web: environment.DB_PASSWORD changed since the plan was saved: make a new plan",
  );
});

test("a plan file of another format, or a file that is no plan, is refused with a clear message", () => {
  const text = planToJson(planCompose(desiredOf("p", "t"), empty)).replace('"format": 1', '"format": 99');
  expect(() => planFromJson(text, "old.json")).toThrow(
    /^old\.json: the plan was saved by Berth \S+ in plan format 99; this Berth \(\S+\) reads format 1 only: make the plan again with this version$/,
  );
  expect(() => planFromJson("{ nope", "x.json")).toThrow(/^x\.json: not a plan file/);
  expect(() => planFromJson('{"a": 1}', "y.json")).toThrow('y.json: not a plan file (a plan has "target", "actions" and "steps")');
});

test("the fingerprint check names every object that is gone, changed or appeared", () => {
  expect(moved({ "container a": "1 running", "network n": "x" }, { "container a": "1 exited", "volume v": "present" })).toEqual([
    "container a changed (running → exited)",
    "network n is gone",
    "volume v appeared",
  ]);
  // Only the fields that differ, by name.
  expect(
    moved({ "container b": "id:22e1a37b7ebe state:running config:994485227806" }, { "container b": "id:f8ae31aad2af state:running config:78c4338fddb8" }),
  ).toEqual(["container b changed (id 22e1a37b7ebe → f8ae31aad2af, config 994485227806 → 78c4338fddb8)"]);
  expect(moved({ a: "1" }, { a: "1" })).toEqual([]);
});
