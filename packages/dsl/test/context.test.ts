// Wall time: ~0.2 s (pure: the session stands in for the loader's --set and stage file).
import { Construct, Service, Stack, closeSession, context, openSession, stage } from "@berth/dsl";
import { at } from "./helpers";

afterEach(() => closeSession());

test("context() returns the value the loader passed, else the default", () => {
  openSession({ defaultProject: "p", context: { tag: "2" } });
  expect(context("tag", "latest")).toBe("2");
  expect(context("other", "latest")).toBe("latest");
});

test("a missing required context key is an error at the user's line that says how to set it", () => {
  openSession({ defaultProject: "p", stage: "prod" });
  const read = () => context("tag"); // required-tag
  expect(read).toThrow(new RegExp(`^${at(__filename, "required-tag")}\\d+: context key "tag" is not set: add it to berth.prod.json, pass --set tag=<text>`));
});

test("typed helpers read numbers and booleans from text (--set) or from JSON scalars (the stage file)", () => {
  openSession({ defaultProject: "p", context: { replicas: "3", port: 8080, debug: "true", tls: false } });
  expect(context.number("replicas")).toBe(3);
  expect(context.number("port")).toBe(8080);
  expect(context.number("missing", 1)).toBe(1);
  expect(context.boolean("debug")).toBe(true);
  expect(context.boolean("tls")).toBe(false);
  expect(context.boolean("missing", true)).toBe(true);
  expect(context("port")).toBe("8080");
});

test("a malformed typed value is an error at the user's line naming the value", () => {
  openSession({ defaultProject: "p", context: { replicas: "many", debug: "yes" } });
  const n = () => context.number("replicas"); // bad-number
  const b = () => context.boolean("debug"); // bad-boolean
  expect(n).toThrow(new RegExp(`^${at(__filename, "bad-number")}\\d+: context key "replicas" is "many": expected a number$`));
  expect(b).toThrow(new RegExp(`^${at(__filename, "bad-boolean")}\\d+: context key "debug" is "yes": expected true or false$`));
  expect(() => context.number("absent")).toThrow(
    /context key "absent" is not set: pass --set absent=<number>, or give a default: context.number\("absent", …\)/,
  );
});

test("stage() names the stage, so the project name may include it; without one, the fallback or a located error", () => {
  openSession({ defaultProject: "p", stage: "prod" });
  expect(new Stack(`shop-${stage()}`).name).toBe("shop-prod");
  openSession({ defaultProject: "p" });
  expect(stage("dev")).toBe("dev");
  const bare = () => stage(); // no-stage
  expect(bare).toThrow(new RegExp(`^${at(__filename, "no-stage")}\\d+: no stage was chosen: pass --stage NAME`));
});

test("a missing key read inside a component names the user's new …(…) line too", () => {
  openSession({ defaultProject: "p" });
  class Tagged extends Construct {
    constructor(scope: Construct, id: string) {
      super(scope, id);
      new Service(this, "web", { image: `nginx:${context("tag")}` }); // inside
    }
  }
  const stack = new Stack("shop");
  const make = () => new Tagged(stack, "blue"); // made-here
  expect(make).toThrow(new RegExp(`^${at(__filename, "inside")}\\d+: context key "tag" is not set: .*; in Tagged at ${at(__filename, "made-here")}\\d+$`));
});
