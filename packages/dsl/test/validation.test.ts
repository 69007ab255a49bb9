import { Config, Network, Secret, Service, Stack, Volume, ValidationError, openSession } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

test("two services with the same name are reported at the second one, naming the first", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx" }); // first-web
  new Service("web", { image: "nginx" }); // second-web
  new Volume("data");
  new Volume("data"); // second-data
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "second-web")}3: service "web": a service named "web" already exists in stack "app" (declared at ${at(__filename, "first-web")}3); names must be unique per kind`,
    expect.stringMatching(new RegExp(`^${at(__filename, "second-data")}3: volume "data": a volume named "data" already exists`)),
  ]);
});

test("a network and a volume may share a name: uniqueness is per kind", () => {
  const stack = new Stack("app");
  new Network("data");
  new Volume("data");
  expect(() => stack.toGraph()).not.toThrow();
});

test("invalid construct names say which characters are allowed", () => {
  const stack = new Stack("app");
  new Service("my web", { image: "nginx" }); // bad-name
  new Volume("_data"); // bad-volume
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "bad-name")}3: service "my web": invalid service name "my web": use letters, digits, "_", "." and "-", starting with a letter or digit`,
    `${at(__filename, "bad-volume")}3: volume "_data": invalid volume name "_data": use letters, digits, "_", "." and "-", starting with a letter or digit`,
  ]);
});

test("an invalid project name is reported at new Stack", () => {
  const stack = new Stack("My.App"); // bad-project
  new Service("web", { image: "nginx" });
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "bad-project")}17: stack "My.App": invalid project name "My.App": use lowercase letters, digits, "_" and "-", starting with a letter or digit`,
  ]);
});

test("ports outside 0–65535 or malformed are reported with the value as written, all at once", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", ports: ["8080:80", "70000:80", "80:http", 99999, { target: 80, published: -1 }, "1-3:1-2"] }); // bad-ports
  const where = `${at(__filename, "bad-ports")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: ports[1] "70000:80": host port 70000 is outside 0–65535`,
    `${where}: ports[2] "80:http": container port "http" is not a number or a range like 8000-8010; expected "[host-ip:][host-port[-end]:]container-port[-end][/tcp|udp|sctp]"`,
    `${where}: ports[3] 99999: container port 99999 is outside 0–65535`,
    `${where}: ports[4] {"published":-1,"target":80}: host port -1 is outside 0–65535`,
    `${where}: ports[5] "1-3:1-2": host range 1-3 and container range 1-2 must have the same length`,
  ]);
});

test("constructing a service with malformed props does not throw; toGraph throws one ValidationError", () => {
  const stack = new Stack("app");
  expect(() => new Service("web", { image: "nginx", ports: ["nope"] })).not.toThrow();
  const error = (() => {
    try {
      stack.toGraph();
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).problems).toEqual([
    expect.objectContaining({ construct: { kind: "service", name: "web" }, path: "ports[0]", value: "nope" }),
  ]);
});

test("the same host port published twice is reported naming both services", () => {
  const stack = new Stack("app");
  new Service("api", { image: "api", ports: ["8080:80"] }); // api-port
  new Service("web", { image: "nginx", ports: ["127.0.0.1:8080:8000"] }); // web-port
  new Service("dns", { image: "dns", ports: ["8080:53/udp"] });
  new Service("alt", { image: "alt", ports: ["127.0.0.2:9090:80", "127.0.0.3:9090:80"] });
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "web-port")}3: service "web": ports[0] "127.0.0.1:8080:8000/tcp": host port 8080/tcp is also published by service "api" (${at(__filename, "api-port")}3) as 8080:80/tcp`,
  ]);
});

test("a port clash is reported at the service declared later, whatever the names, and within one service too", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", ports: ["8080:80"] }); // clash-first
  new Service("api", { image: "api", ports: ["8080:81", "9000:90", "9000:91"] }); // clash-second
  const where = `${at(__filename, "clash-second")}3: service "api"`;
  expect(problemLines(stack)).toEqual([
    `${where}: ports[0] "8080:81/tcp": host port 8080/tcp is also published by service "web" (${at(__filename, "clash-first")}3) as 8080:80/tcp`,
    `${where}: ports[2] "9000:91/tcp": host port 9000/tcp is also published by this service as 9000:90/tcp`,
  ]);
});

test("dependsOn cycles are printed as a → b → c → a", () => {
  const stack = new Stack("app");
  const a = new Service("a", { image: "x" }); // svc-a
  const b = new Service("b", { image: "x", dependsOn: [a] });
  const c = new Service("c", { image: "x", dependsOn: [b] });
  a.addDependency(c);
  const d = new Service("d", { image: "x" });
  d.addDependency(d, "healthy");
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "svc-a")}13: service "a": dependsOn: dependsOn forms a cycle: a → c → b → a; no service in it could start first`,
    expect.stringContaining(`service "d": dependsOn: dependsOn forms a cycle: d → d`),
  ]);
});

test("references to constructs of another stack are reported at the referencing service", () => {
  const other = new Stack("other");
  const foreignDb = new Service("db", { image: "postgres" }); // foreign-db
  const foreignVolume = new Volume("data");
  const foreignNet = new Network("back");
  const foreignSecret = new Secret("pw", { file: "./pw.txt" });
  const foreignConfig = new Config("conf", { content: "x" });
  const app = new Stack("app");
  // web-refs
  new Service("web", {
    image: "nginx",
    dependsOn: [foreignDb],
    volumes: [{ source: foreignVolume, target: "/d" }],
    networks: [foreignNet],
    secrets: [foreignSecret],
    configs: [foreignConfig],
  });
  const where = `${at(__filename, "web-refs")}3: service "web"`;
  expect(problemLines(app)).toEqual([
    expect.stringMatching(/^\S+: service "web": volumes\[0\]\.source: volume "data" belongs to stack "other"/),
    expect.stringMatching(/^\S+: service "web": networks\[0\]: network "back" belongs to stack "other"/),
    `${where}: dependsOn[0]: service "db" belongs to stack "other" (declared at ${at(__filename, "foreign-db")}21); a service can only reference constructs of its own stack "app"`,
    expect.stringMatching(/^\S+: service "web": secrets\[0\]: secret "pw" belongs to stack "other"/),
    expect.stringMatching(/^\S+: service "web": configs\[0\]: config "conf" belongs to stack "other"/),
  ]);
  expect(other.toGraph().services.db.image).toBe("postgres");
});

test("a service with neither image nor build says what to add", () => {
  const stack = new Stack("app");
  new Service("web", {}); // no-image
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "no-image")}3: service "web": has neither image nor build; set image (e.g. "nginx:1.27") or build ({ context: "./app" })`,
  ]);
});

test("a bind mount whose source is not a path is reported; a bare name in a short string asks for the Volume object", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", volumes: [{ type: "bind", source: "src", target: "/src" }, "pgdata:/var/lib/data", "./ok:/ok:ro"] }); // bad-bind
  const where = `${at(__filename, "bad-bind")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: volumes[1] "pgdata:/var/lib/data": "pgdata" is not a host path; references are objects, not names: declare \`const pgdata = new Volume("pgdata")\` and mount it with { source: pgdata, target: "/var/lib/data" }; bind mounts need a host path starting with "/", "./", "../" or "~" (or ".")`,
    `${where}: volumes[0].source "src": bind source is not a host path; expected a host path starting with "/", "./", "../" or "~" (or ".") (for a named volume pass the Volume object)`,
  ]);
});

test("invalid durations, negative replicas and malformed cpus or memory are reported with the expected form", () => {
  const stack = new Stack("app");
  // bad-values
  new Service("web", {
    image: "nginx",
    healthcheck: { test: "true", interval: "5 seconds", timeout: -1 },
    stopGracePeriod: "soon",
    deploy: { replicas: -2, resources: { limits: { cpus: "half", memory: "lots" }, reservations: { memory: "1.5q" } } },
  });
  const where = `${at(__filename, "bad-values")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: healthcheck.interval "5 seconds": expected a duration like "30s", "1m30s" or "500ms", or a number of seconds`,
    `${where}: healthcheck.timeout -1: expected a duration like "30s", "1m30s" or "500ms", or a number of seconds`,
    `${where}: stopGracePeriod "soon": expected a duration like "30s", "1m30s" or "500ms", or a number of seconds`,
    `${where}: deploy.resources.limits.cpus "half": expected a non-negative number of CPUs like 0.5 or "1.5"`,
    `${where}: deploy.resources.limits.memory "lots": expected a byte size like "512M", "1g" or "64kb", or a number of bytes`,
    `${where}: deploy.resources.reservations.memory "1.5q": expected a byte size like "512M", "1g" or "64kb", or a number of bytes`,
    `${where}: deploy.replicas -2: replicas must be a non-negative integer`,
  ]);
});

test("a secret needs exactly one source", () => {
  const stack = new Stack("app");
  new Secret("pw", { file: "./a", environment: "B" } as never); // bad-secret
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "bad-secret")}3: secret "pw": needs exactly one of file, environment or external (got file, environment)`,
  ]);
});

test("the error message lists every problem of the stack, one per line, after a count", () => {
  const stack = new Stack("app");
  new Service("a", {});
  new Service("b", { image: "x", ports: ["99999"] });
  expect(() => stack.toGraph()).toThrow(
    /^2 problems in stack "app":\n {2}\S+ service "a": has neither image nor build.*\n {2}\S+ service "b": ports\[0\] "99999"/,
  );
});

test("restart, pullPolicy and deploy.mode outside their choices are reported (for callers without types)", () => {
  const stack = new Stack("app");
  new Service("web", { image: "x", restart: "sometimes" as never, pullPolicy: "daily" as never, deploy: { mode: "both" as never } }); // bad-enums
  const where = `${at(__filename, "bad-enums")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: restart "sometimes": expected "no", "always", "unless-stopped", "on-failure" or "on-failure:<n>"`,
    `${where}: pullPolicy "daily": expected "always", "never", "missing" or "build"`,
    `${where}: deploy.mode "both": expected "replicated" or "global"`,
  ]);
});

test("graph-level problems name the entry as the user wrote it, even after a range expanded", () => {
  const stack = new Stack("app");
  new Service("api", { image: "api", ports: ["9001:90"] });
  // expanded
  new Service("web", {
    image: "nginx",
    ports: ["8000-8003:80-83", "bad", "9000-9001:90-91"],
    volumes: ["nope", { type: "bind", source: "src", target: "/src" }],
  });
  const where = `${at(__filename, "expanded")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    expect.stringContaining(`${where}: ports[1] "bad":`),
    expect.stringContaining(`${where}: volumes[0] "nope":`),
    expect.stringContaining(`${where}: volumes[1].source "src": bind source is not a host path`),
    expect.stringContaining(`${where}: ports[2] "9001:91/tcp": host port 9001/tcp is also published by service "api"`),
  ]);
});

test("a fixed containerName leaves room for one container: more replicas are an error", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", containerName: "web", deploy: { replicas: 3 } }); // named-replicas
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "named-replicas")}3: service "web": deploy.replicas 3: containerName "web" allows one container, not 3; drop containerName or set replicas to 1`,
  ]);
});
