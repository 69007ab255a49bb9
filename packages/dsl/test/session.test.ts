import type * as dsl from "@berth/dsl";
import { Service, Stack, Volume, closeSession, openSession } from "@berth/dsl";
import { at } from "./helpers";

afterEach(() => closeSession());

test("a service made before any Stack joins an implicit stack named after the session's default project", () => {
  openSession({ defaultProject: "myfolder" });
  new Service("nginx", { image: "nginx:latest", ports: ["80:80"] }); // first-construct
  new Volume("data");
  const stacks = closeSession();
  expect(stacks).toHaveLength(1);
  expect(stacks[0].name).toBe("myfolder");
  expect(stacks[0].implicit).toBe(true);
  const graph = stacks[0].toGraph();
  expect(Object.keys(graph.services)).toEqual(["nginx"]);
  expect(Object.keys(graph.volumes)).toEqual(["data"]);
  expect(`${graph.location.file}:${graph.location.line}:${graph.location.column}`).toBe(`${at(__filename, "first-construct")}3`);
});

test('without openSession a default session exists, with project "default"', () => {
  closeSession();
  const web = new Service("web", { image: "nginx" });
  expect(web.stack.name).toBe("default");
  expect(closeSession()).toEqual([web.stack]);
});

test("openSession starts fresh and forgets the stacks of the previous session", () => {
  openSession({ defaultProject: "one" });
  new Stack("old");
  openSession({ defaultProject: "two" });
  const fresh = new Stack("new");
  expect(closeSession()).toEqual([fresh]);
});

test("closeSession returns stacks in creation order, the implicit one included, then resets", () => {
  openSession({ defaultProject: "proj" });
  const implicit = new Service("a", { image: "x" }).stack;
  const explicit = new Stack("named");
  expect(closeSession()).toEqual([implicit, explicit]);
  expect(closeSession()).toEqual([]);
});

test("mapLocation rewrites every captured location (the loader maps bundles back to stack.ts)", () => {
  openSession({ defaultProject: "p", mapLocation: (loc) => ({ file: "stack.ts", line: loc.line + 1000, column: 1 }) });
  const stack = new Stack("app");
  const web = new Service("web", {});
  expect(stack.location.file).toBe("stack.ts");
  expect(() => stack.toGraph()).toThrow(`stack.ts:${web.location.line}:1: service "web": has neither image nor build`);
  expect(web.location.line).toBeGreaterThan(1000);
});

test("the session lives on globalThis under Symbol.for, so a second copy of the package shares it", () => {
  openSession({ defaultProject: "shared" });
  expect((globalThis as Record<symbol, unknown>)[Symbol.for("@berth/dsl.session")]).toMatchObject({ defaultProject: "shared" });
  let copy: typeof dsl | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second, isolated copy of the module
    copy = require("../src/index") as typeof dsl;
  });
  if (!copy) throw new Error("no second copy loaded");
  expect(copy.Service).not.toBe(Service);
  const stack = new Stack("app");
  const db = new copy.Service("db", { image: "postgres" }); // copy-db
  new Service("web", { image: "nginx", dependsOn: [db] });
  expect(Service.isService(db)).toBe(true);
  expect(copy.Stack.isStack(stack)).toBe(true);
  const graph = stack.toGraph();
  expect(graph.services.web.dependsOn).toEqual({ db: { condition: "service_started" } });
  expect(`${graph.services.db.location.file}:${graph.services.db.location.line}:`).toBe(at(__filename, "copy-db"));
  expect(copy.closeSession()).toEqual([stack]);
});
