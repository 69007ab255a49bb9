// Wall time: ~1 s (pure: no I/O).
/** `volumesFrom`: compose's `volumes_from`, typed (a Service object for the stack's services), with compose's rules as located problems. */
import { Service, Stack, openSession, validateGraph, type Graph, type ServiceSpec } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

const specs = (stack: Stack): Record<string, ServiceSpec> => stack.toGraph().services;

test("a Service, { service, readOnly } and { container, readOnly } become the graph's entries, in order", () => {
  const stack = new Stack("app");
  const db = new Service("db", { image: "postgres" });
  const cache = new Service("cache", { image: "redis" });
  new Service("web", { image: "x", volumesFrom: [db, { service: cache, readOnly: true }, { container: "outside" }, { container: "logs", readOnly: true }] });
  expect(specs(stack).web.volumesFrom).toEqual([
    { service: "db" },
    { service: "cache", readOnly: true },
    { container: "outside" },
    { container: "logs", readOnly: true },
  ]);
  expect(specs(stack).db.volumesFrom).toBeUndefined();
});

test("a service of another stack, a name instead of the object, a bad form and the same entry twice are refused (the same service read-only and read-write is fine, as in compose) at the service's line", () => {
  const stack = new Stack("app");
  const db = new Service("db", { image: "postgres" });
  const foreign = new Service(new Stack("other"), "foreign", { image: "x" });
  new Service(stack, "a", { image: "x", volumesFrom: [foreign] }); // foreign
  new Service(stack, "b", { image: "x", volumesFrom: ["db" as unknown as Service] }); // name
  new Service(stack, "c", { image: "x", volumesFrom: [{ container: "bad name" }, { service: db, container: "x" } as never] }); // form
  new Service(stack, "d", { image: "x", volumesFrom: [db, { service: db, readOnly: true }, { service: db, readOnly: false }] }); // twice
  const lines = problemLines(stack);
  expect(lines).toEqual([
    expect.stringMatching(new RegExp(`^${at(__filename, "foreign")}3: service "a": volumesFrom\\[0\\]: service "foreign" belongs to stack "other"`)),
    `${at(__filename, "name")}3: service "b": volumesFrom[0] "db": expected a Service object (a name: declare or import the Service and pass it); references are objects, not names`,
    `${at(__filename, "form")}3: service "c": volumesFrom[0].container "bad name": expected a container's name or id (letters, digits, "_", "." or "-")`,
    `${at(__filename, "form")}3: service "c": volumesFrom[1].container: unknown key`,
    `${at(__filename, "twice")}3: service "d": volumesFrom[2]: service "db" is named twice (compose's schema refuses a repeated entry); keep one`,
  ]);
});

test("in a graph (an imported or hand-written one), its own service and an unknown service are refused, and a cycle through volumesFrom is a dependsOn cycle", () => {
  const stack = new Stack("app");
  new Service("a", { image: "x" });
  new Service("b", { image: "x" });
  const g = stack.toGraph();
  const graph: Graph = {
    ...g,
    services: {
      a: { ...g.services.a, volumesFrom: [{ service: "a" }, { service: "nope" }, { service: "b" }] },
      b: { ...g.services.b, volumesFrom: [{ service: "a", readOnly: true }] },
    },
  };
  expect(validateGraph(graph).map((p) => `${p.construct?.name} ${p.path}: ${p.message}`)).toEqual([
    `a volumesFrom[0]: a service cannot mount its own container's volumes; name another service`,
    `a volumesFrom[1]: refers to service "nope", which stack "app" does not have`,
    `a dependsOn: dependsOn forms a cycle: a → a; no service in it could start first`,
    `a dependsOn: dependsOn forms a cycle: a → b → a; no service in it could start first`,
  ]);
});
