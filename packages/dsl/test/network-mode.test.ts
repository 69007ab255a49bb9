// Wall time: ~1 s (pure: no I/O).
/** `networkMode`: compose's `network_mode`, typed, with compose's rules as located problems. */
import { Network, Service, Stack, openSession, type ServiceSpec } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

const specs = (stack: Stack): Record<string, ServiceSpec> => stack.toGraph().services;

test("host, none, bridge, container:<name> are written as compose spells them; { service: db } and service:db both name db", () => {
  const stack = new Stack("app");
  const db = new Service("db", { image: "postgres" });
  new Service("a", { image: "x", networkMode: "host" });
  new Service("b", { image: "x", networkMode: "none" });
  new Service("c", { image: "x", networkMode: "bridge", ports: ["8080:80"] });
  new Service("d", { image: "x", networkMode: "container:outside" });
  new Service("e", { image: "x", networkMode: { service: db } });
  new Service("f", { image: "x", networkMode: "service:db" });
  const s = specs(stack);
  expect(Object.fromEntries(Object.entries(s).map(([name, spec]) => [name, spec.networkMode]))).toEqual({
    db: undefined,
    a: "host",
    b: "none",
    c: "bridge",
    d: "container:outside",
    e: "service:db",
    f: "service:db",
  });
});

test("networks, ports, an unknown or own service, and a shared network's hostname/dns/extraHosts are refused at the service's line", () => {
  const stack = new Stack("app");
  const front = new Network("front");
  const db = new Service("db", { image: "postgres" });
  new Service("a", { image: "x", networkMode: "host", networks: [front], ports: ["80:80"] }); // host
  new Service("b", { image: "x", networkMode: "service:nope" }); // unknown
  new Service("c", { image: "x", networkMode: "service:c" }); // own
  new Service("d", { image: "x", networkMode: { service: db }, hostname: "d", dns: ["1.1.1.1"], ports: [80] }); // shared
  new Service("e", { image: "x", networkMode: "hosts" as "host" }); // typo
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "host")}3: service "a": networks: networks cannot be combined with networkMode "host" (the container joins no network of the stack); drop one of them`,
    `${at(__filename, "host")}3: service "a": ports: ports cannot be published with networkMode "host": the container uses the host's ports directly`,
    `${at(__filename, "unknown")}3: service "b": networkMode "service:nope": refers to service "nope", which stack "app" does not have`,
    `${at(__filename, "own")}3: service "c": networkMode "service:c": a service cannot join its own container's network; name another service`,
    `${at(__filename, "own")}3: service "c": dependsOn: dependsOn forms a cycle: c → c; no service in it could start first`,
    `${at(__filename, "shared")}3: service "d": ports: ports cannot be published with networkMode "service:db": the container shares the network of service db, whose own ports are the ones to publish`,
    `${at(__filename, "shared")}3: service "d": hostname: hostname cannot be set with networkMode "service:db": the container takes the network's (the engine refuses both)`,
    `${at(__filename, "shared")}3: service "d": dns: dns cannot be set with networkMode "service:db": the container takes the network's (the engine refuses both)`,
    `${at(__filename, "typo")}3: service "e": networkMode "hosts": expected "host", "none", "bridge", "service:<text>", "container:<text>" or a ServiceNetworkMode object; did you mean "host"?`,
  ]);
});

test("a cycle through networkMode is a dependsOn cycle", () => {
  const stack = new Stack("app");
  new Service("a", { image: "x", networkMode: "service:b" }); // a
  new Service("b", { image: "x", networkMode: "service:a" });
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "a")}3: service "a": dependsOn: dependsOn forms a cycle: a → b → a; no service in it could start first`,
  ]);
});
