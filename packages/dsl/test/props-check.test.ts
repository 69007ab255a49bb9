// Wall time: ~1 s (pure: no I/O).
/** Props are checked at run time against their types: a wrong shape or a typo is reported at the user's line, never crashes. */
import { Config, Network, Secret, Service, Stack, Volume, openSession, sensitive } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

/** Props as a JavaScript stack (or an unchecked TypeScript one) may write them. */
const untyped = <T>(x: unknown): T => x as T;

test("lists where arrays belong are reported, not iterated", () => {
  const stack = new Stack("app");
  const db = new Service("db", { image: "postgres:16" });
  new Service("web", untyped({ image: "nginx", ports: "80:80", volumes: "x:y", dependsOn: db, expose: 80 })); // not-arrays
  const where = `${at(__filename, "not-arrays")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: ports "80:80": expected an array of: a string, a number or a PortMapping object`,
    `${where}: volumes "x:y": expected an array of: a string, a VolumeMount object, an AnonymousVolumeMount object, a BindMount object or a TmpfsMount object`,
    `${where}: dependsOn {"kind":"service","name":"db"}: expected an array of: a Service or a DependencyProps object`,
    `${where}: expose 80: expected an array of: a number`,
  ]);
});

test("an unknown key is reported with the key it was probably meant to be, at every level", () => {
  const stack = new Stack("app");
  new Service("web", untyped({ image: "nginx", prots: ["80:80"], healthcheck: { test: "true", intervall: "5s" }, ports: [{ target: 80, publised: 8080 }] })); // typos
  new Volume("data", untyped({ drivr: "local" })); // volume-typo
  const where = `${at(__filename, "typos")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: prots: unknown key; did you mean "ports"?`,
    `${where}: healthcheck.intervall: unknown key; did you mean "interval"?`,
    `${where}: ports[0].publised: unknown key; did you mean "published"?`,
    `${at(__filename, "volume-typo")}3: volume "data": drivr: unknown key; did you mean "driver"?`,
  ]);
});

test("an enum value outside its choices suggests the nearest one", () => {
  const stack = new Stack("app");
  new Service("web", untyped({ image: "nginx", restart: "allways", volumes: [{ type: "bnd", source: "./a", target: "/a" }] })); // enums
  const where = `${at(__filename, "enums")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: restart "allways": expected "no", "always", "unless-stopped", "on-failure" or "on-failure:<n>"; did you mean "always"?`,
    `${where}: volumes[0].type "bnd": expected "volume", "bind" or "tmpfs"; did you mean "bind"?`,
  ]);
});

test("an empty string where a value is required is refused, and says nothing more about the gap it leaves", () => {
  const stack = new Stack("app");
  const data = new Volume("data");
  // user: "" is compose's "the image's user": allowed.
  new Service("web", { image: "", user: "", containerName: "", volumes: [{ source: data, target: "" }] }); // empty
  const where = `${at(__filename, "empty")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: image "": expected a non-empty string`,
    `${where}: containerName "": expected a non-empty string`,
    `${where}: volumes[0].target "": expected a non-empty string`,
  ]);
});

test("environment in compose's list form, object values and empty keys are refused with what to write", () => {
  const stack = new Stack("app");
  new Service("list", untyped({ image: "x", environment: ["A=1"] })); // env-list
  new Service("values", untyped({ image: "x", environment: { A: { b: 1 }, "": "y", OK: 1, S: sensitive("s") } })); // env-values
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "env-list")}3: service "list": environment ["A=1"]: expected an object whose values are: a boolean, null, a string, a number or sensitive(…) (compose's list form ["KEY=value"] is written { KEY: "value" } here)`,
    `${at(__filename, "env-values")}3: service "values": environment.A {"b":1}: expected a boolean, null, a string, a number or sensitive(…)`,
    `${at(__filename, "env-values")}3: service "values": environment[""]: a key may not be empty`,
  ]);
});

test("extra may not shadow a typed prop that is also set: the error names both", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", containerName: "w", extra: { image: "other", container_name: "c", logging: { driver: "none" } } }); // shadow
  new Network("net", { driverOpts: { a: "1" }, extra: { driver_opts: {} } }); // net-shadow
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "shadow")}3: service "web": extra.image "other": shadows the typed prop "image", which is also set: give one of them`,
    `${at(__filename, "shadow")}3: service "web": extra.container_name "c": shadows the typed prop "containerName", which is also set: give one of them`,
    `${at(__filename, "net-shadow")}3: network "net": extra.driver_opts {}: shadows the typed prop "driverOpts", which is also set: give one of them`,
  ]);
});

test("alone, extra may carry a compose form the typed prop cannot say", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", extra: { depends_on: { db: { condition: "service_started", restart: true } } } });
  expect(stack.toGraph().services.web.extra).toEqual({ depends_on: { db: { condition: "service_started", restart: true } } });
});

test("props that are not an object at all, and wrong shapes in secrets and configs, are reported", () => {
  const stack = new Stack("app");
  new Service("web", untyped(42)); // not-object
  new Secret("s", untyped({ file: 5 })); // bad-secret
  new Config("c", untyped({ content: ["a"] })); // bad-config
  expect(problemLines(stack)).toEqual([
    expect.stringMatching(new RegExp(`^${at(__filename, "not-object")}3: service "web": 42: expected a ServiceProps object`)),
    expect.stringMatching(new RegExp(`^${at(__filename, "bad-secret")}3: secret "s": file 5: expected a string`)),
    expect.stringMatching(new RegExp(`^${at(__filename, "bad-config")}3: config "c": content \\["a"\\]: expected a string or sensitive`)),
  ]);
});

test("valid props of every form pass untouched: constructs stay the same objects", () => {
  const stack = new Stack("app");
  const net = new Network("back");
  const data = new Volume("data");
  const db = new Service("db", { image: "postgres:16", volumes: [{ source: data, target: "/var/lib/postgresql/data" }], networks: [net] });
  new Service("web", {
    image: "nginx",
    ports: ["80:80", 443, { target: 8080, published: 8080, protocol: "udp" }],
    dependsOn: [{ service: db, condition: "healthy" }],
    networks: [{ network: net, aliases: ["www"] }],
    environment: { A: "1", B: 2, C: true, D: null },
    restart: "on-failure:3",
    healthcheck: { test: ["CMD", "true"], interval: 5 },
  });
  const graph = stack.toGraph();
  expect(graph.services.web.dependsOn).toEqual({ db: { condition: "service_healthy" } });
  expect(graph.services.web.restart).toBe("on-failure:3");
  expect(graph.services.db.volumes).toEqual([expect.objectContaining({ source: "data", target: "/var/lib/postgresql/data" })]);
});

test("names that are not strings and stack props outside StackProps are reported, not carried into the graph", () => {
  const stack = new Stack("app", untyped({ target: "k8s" })); // stack-props
  // A name that is neither a string nor a scope is refused where it is written (the constructor cannot tell the forms apart).
  const numberName = () => new Service(untyped(42), { image: "nginx" }); // number-name
  expect(numberName).toThrow(`${at(__filename, "number-name")}28: expected new X("name", props, options?) or new X(scope, "id", props, options?)`);
  expect(problemLines(stack)).toEqual([`${at(__filename, "stack-props")}17: stack "app": target "k8s": expected "compose" or "swarm"`]);
  openSession({ defaultProject: "test" });
  const unnamed = new Stack(untyped(undefined)); // unnamed
  expect(problemLines(unnamed)).toEqual([
    `${at(__filename, "unnamed")}19: stack "undefined": expected the project name (a string) as the first argument of new Stack(…)`,
  ]);
});
