/** `develop.watch` rules: compose's rules for them, each reported at the service's line with the rule's path. */
import { Service, Stack, openSession } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

test("a valid rule set reaches the graph normalized (a single ignore pattern becomes a list)", () => {
  const stack = new Stack("app");
  new Service("web", {
    image: "nginx",
    build: { context: "." },
    develop: {
      watch: [
        { path: "./src", action: "sync", target: "/app", ignore: "node_modules/", initialSync: true },
        { path: "package.json", action: "rebuild" },
        { path: "conf", action: "sync+exec", target: "/etc/app", exec: { command: "kill -HUP 1", user: "root" } },
      ],
    },
  });
  expect(stack.toGraph().services.web.develop).toEqual({
    watch: [
      { path: "./src", action: "sync", target: "/app", ignore: ["node_modules/"], initialSync: true },
      { path: "package.json", action: "rebuild" },
      { path: "conf", action: "sync+exec", target: "/etc/app", exec: { command: "kill -HUP 1", user: "root" } },
    ],
  });
});

test("sync needs an absolute target, globs are refused, rebuild needs build, exec belongs to sync+exec", () => {
  const stack = new Stack("app");
  // bad
  new Service("web", {
    image: "nginx",
    develop: {
      watch: [
        { path: "src/*.js", action: "sync", target: "/app" },
        { path: "src", action: "sync+restart" },
        { path: "src", action: "sync", target: "app" },
        { path: "Dockerfile", action: "rebuild" },
        { path: "conf", action: "sync+exec", target: "/etc" },
        { path: "conf", action: "restart", exec: { command: "true" } },
      ],
    },
  });
  const line = at(__filename, "bad");
  expect(problemLines(stack)).toEqual([
    `${line}3: service "web": develop.watch[0].path "src/*.js": globs are not supported in a watch path (as in compose): name a file or folder`,
    `${line}3: service "web": develop.watch[1].target: the "sync+restart" action needs a target: where the path lands in the container`,
    `${line}3: service "web": develop.watch[2].target "app": expected an absolute path in the container`,
    `${line}3: service "web": develop.watch[3].action "rebuild": the "rebuild" action needs the service to have build: there is nothing to rebuild`,
    `${line}3: service "web": develop.watch[4].exec: the "sync+exec" action needs exec: the command to run after syncing`,
    `${line}3: service "web": develop.watch[5].exec: exec is the command of a "sync+exec" rule, not of "restart"`,
  ]);
});

test("a wrong action or a misspelled key is a shape error with a suggestion", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", develop: { watch: [{ path: "src", action: "synch" as never, traget: "/app" } as never] } }); // shape
  const lines = problemLines(stack).join("\n");
  expect(lines).toContain(`develop.watch[0].action "synch": expected "sync", "rebuild", "restart", "sync+restart" or "sync+exec"`);
  expect(lines).toMatch(/develop\.watch\[0\]\.traget.*did you mean "target"/);
});
