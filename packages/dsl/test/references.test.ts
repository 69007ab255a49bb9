import { Service, Stack, Volume, openSession, type Network } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

test("a name where an object is expected is reported: references are objects, never names", () => {
  const stack = new Stack("app");
  new Service("db", { image: "postgres" });
  new Service("web", { image: "x", dependsOn: ["db" as unknown as Service], networks: ["back" as unknown as Network] }); // by-name
  const where = `${at(__filename, "by-name")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: networks[0] "back": expected a Network object (a name: declare or import the Network and pass it); references are objects, not names`,
    `${where}: dependsOn[0] "db": expected a Service object (a name: declare or import the Service and pass it); references are objects, not names`,
  ]);
});

test("a volume mount whose source is a string asks for the Volume object or a bind mount", () => {
  const stack = new Stack("app");
  new Service("web", { image: "x", volumes: [{ source: "data" as unknown as Volume, target: "/data" }] }); // string-source
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "string-source")}3: service "web": volumes[0] {"source":"data","target":"/data"}: expected a Volume object as source (references are objects, not names), or type "bind" for a host path`,
  ]);
});

test("a healthcheck test array must start with CMD, CMD-SHELL or NONE", () => {
  const stack = new Stack("app");
  new Service("web", { image: "x", healthcheck: { test: ["curl", "-f", "http://localhost"] } }); // bad-test
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "bad-test")}3: service "web": healthcheck.test ["curl","-f","http://localhost"]: expected a string (run in a shell) or an array starting with "CMD", "CMD-SHELL" or "NONE"`,
  ]);
});

test("a service may reference constructs made later, as long as they are in its stack", () => {
  const stack = new Stack("app");
  const web = new Service("web", { image: "x" });
  const db = new Service("db", { image: "postgres", volumes: [{ source: new Volume("data"), target: "/d" }] });
  web.addDependency(db, "healthy");
  expect(stack.toGraph().services.web.dependsOn).toEqual({ db: { condition: "service_healthy" } });
});

test("a dependency added with addDependency is reported as addDependency[i] when it crosses stacks", () => {
  new Stack("other");
  const foreign = new Service("db", { image: "postgres" });
  const app = new Stack("app");
  const web = new Service("web", { image: "x" }); // adds-foreign
  web.addDependency(foreign);
  expect(problemLines(app)).toEqual([
    expect.stringMatching(new RegExp(`^${at(__filename, "adds-foreign")}15: service "web": addDependency\\[0\\]: service "db" belongs to stack "other"`)),
  ]);
});

test("a construct made before new Stack(…) joined the implicit stack, and the error says to create the Stack first", () => {
  openSession({ defaultProject: "myproject" });
  const db = new Service("db", { image: "postgres" });
  const stack = new Stack("app");
  new Service("web", { image: "x", dependsOn: [db] }); // too-late
  expect(problemLines(stack)).toEqual([
    expect.stringMatching(
      new RegExp(
        `^${at(__filename, "too-late")}3: service "web": dependsOn\\[0\\]: service "db" belongs to stack "myproject" .*; it was made before \`new Stack\\("app"\\)\` and so joined the implicit stack: create the Stack first$`,
      ),
    ),
  ]);
});

test("a construct of the wrong kind, or an unknown condition, is reported with what was expected", () => {
  const stack = new Stack("app");
  const data = new Volume("data");
  const db = new Service("db", { image: "postgres" });
  new Service("web", { image: "x", dependsOn: [data as unknown as Service, { service: db, condition: "ready" as never }] }); // wrong-kind
  const where = `${at(__filename, "wrong-kind")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: dependsOn[0]: expected a Service object (got volume "data"); references are objects, not names`,
    `${where}: dependsOn[1].condition "ready": expected "started", "healthy" or "completed"`,
  ]);
});
