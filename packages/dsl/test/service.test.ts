import { Config, Network, Secret, Service, Stack, Volume, openSession, sensitive, isSensitive, type ServiceSpec } from "@berth/dsl";

beforeEach(() => openSession({ defaultProject: "test" }));

/** The graph entry of one service of a fresh stack, without its location. */
function specOf(make: () => Service): Omit<ServiceSpec, "location"> {
  const stack = new Stack("app");
  const service = make();
  const { location: _location, ...spec } = stack.toGraph().services[service.name];
  return spec;
}

describe("ports", () => {
  test("short strings with ranges expand to one port each", () => {
    const spec = specOf(() => new Service("web", { image: "x", ports: ["8000-8001:80-81", "127.0.0.1:9000-9001:90-91/udp", "3000-3001"] }));
    expect(spec.ports).toEqual([
      { published: 8000, target: 80, protocol: "tcp" },
      { published: 8001, target: 81, protocol: "tcp" },
      { hostIp: "127.0.0.1", published: 9000, target: 90, protocol: "udp" },
      { hostIp: "127.0.0.1", published: 9001, target: 91, protocol: "udp" },
      { target: 3000, protocol: "tcp" },
      { target: 3001, protocol: "tcp" },
    ]);
  });

  test("a host IP without a host port, and bracketed IPv6 addresses, are understood", () => {
    const spec = specOf(() => new Service("web", { image: "x", ports: ["127.0.0.1::80", "[::1]:8080:80/sctp"] }));
    expect(spec.ports).toEqual([
      { hostIp: "127.0.0.1", target: 80, protocol: "tcp" },
      { hostIp: "::1", published: 8080, target: 80, protocol: "sctp" },
    ]);
  });

  test("a number is a container port with an ephemeral host port; the long form is typed", () => {
    const spec = specOf(
      () => new Service("web", { image: "x", ports: [9000, { target: 53, published: 5353, protocol: "udp", mode: "host" }], expose: [3000] }),
    );
    expect(spec.ports).toEqual([
      { target: 9000, protocol: "tcp" },
      { target: 53, published: 5353, protocol: "udp", mode: "host" },
    ]);
    expect(spec.expose).toEqual([3000]);
  });
});

describe("environment", () => {
  test("numbers and booleans become strings, null passes the deployer's variable through", () => {
    const spec = specOf(() => new Service("web", { image: "x", environment: { PORT: 8080, DEBUG: false, NAME: "web", HOME: null } }));
    expect(spec.environment).toEqual({ DEBUG: "false", HOME: null, NAME: "web", PORT: "8080" });
    expect(spec.sensitive).toBeUndefined();
  });

  test("sensitive values are stored as strings and their paths recorded, sorted", () => {
    const spec = specOf(() => new Service("db", { image: "x", environment: { PW: sensitive("hunter2"), A_KEY: sensitive(42), USER: "app" } }));
    expect(spec.environment).toEqual({ A_KEY: "42", PW: "hunter2", USER: "app" });
    expect(spec.sensitive).toEqual(["environment.A_KEY", "environment.PW"]);
  });

  test("a sensitive value prints as (sensitive) everywhere but keeps its value for the engine", () => {
    const pw = sensitive("hunter2");
    expect(isSensitive(pw)).toBe(true);
    expect(isSensitive("hunter2")).toBe(false);
    expect(JSON.stringify({ pw })).toBe(`{"pw":"(sensitive)"}`);
    expect(`${pw}`).toBe("(sensitive)");
    expect(pw.value).toBe("hunter2");
  });
});

describe("dependencies", () => {
  test("addDependency adds a dependency after both services exist, with an optional condition", () => {
    const stack = new Stack("app");
    const web = new Service("web", { image: "x" });
    const db = new Service("db", { image: "postgres" });
    const migrate = new Service("migrate", { image: "x" });
    web.addDependency(db, "healthy").addDependency(migrate, "completed");
    migrate.addDependency(db);
    const graph = stack.toGraph();
    expect(graph.services.web.dependsOn).toEqual({
      db: { condition: "service_healthy" },
      migrate: { condition: "service_completed_successfully" },
    });
    expect(graph.services.migrate.dependsOn).toEqual({ db: { condition: "service_started" } });
  });

  test("the long form carries restart and required", () => {
    const stack = new Stack("app");
    const db = new Service("db", { image: "postgres" });
    new Service("web", { image: "x", dependsOn: [{ service: db, condition: "healthy", restart: true, required: false }] });
    expect(stack.toGraph().services.web.dependsOn).toEqual({ db: { condition: "service_healthy", restart: true, required: false } });
  });
});

describe("mounts", () => {
  test("volumes, bind mounts, tmpfs and bind short strings become typed mounts", () => {
    const spec = specOf(() => {
      const data = new Volume("data");
      return new Service("web", {
        image: "x",
        volumes: [
          { source: data, target: "/data", readOnly: true, noCopy: true },
          { type: "bind", source: "./conf", target: "/etc/conf", createHostPath: false },
          { type: "tmpfs", target: "/tmp", size: "64m" },
          "./src:/var/www/html:ro",
          "~/cache:/cache",
          ".:/app:rw",
        ],
      });
    });
    expect(spec.volumes).toEqual([
      { type: "volume", source: "data", target: "/data", readOnly: true, noCopy: true },
      { type: "bind", source: "./conf", target: "/etc/conf", createHostPath: false },
      { type: "tmpfs", target: "/tmp", size: 64 * 1024 * 1024 },
      { type: "bind", source: "./src", target: "/var/www/html", readOnly: true },
      { type: "bind", source: "~/cache", target: "/cache" },
      { type: "bind", source: ".", target: "/app" },
    ]);
  });

  test("a container path alone, or a mount without a source, is an anonymous volume that keeps the form it was written in", () => {
    const spec = specOf(
      () =>
        new Service("web", {
          image: "x",
          volumes: ["/project/node_modules", { target: "/cache" }, { type: "volume", target: "/ro", readOnly: true, noCopy: true }],
        }),
    );
    expect(spec.volumes).toEqual([
      { type: "anonymous", target: "/project/node_modules", short: true },
      { type: "anonymous", target: "/cache" },
      { type: "anonymous", target: "/ro", readOnly: true, noCopy: true },
    ]);
  });
});

describe("networks, secrets and configs", () => {
  test("are referenced by object and stored by name", () => {
    const stack = new Stack("app");
    const front = new Network("front");
    const back = new Network("back", { internal: true, driver: "bridge", labels: { tier: "back" } });
    const pw = new Secret("pw", { file: "./pw.txt" });
    const conf = new Config("conf", { content: "listen 80;" });
    new Service("web", {
      image: "x",
      networks: [front, { network: back, aliases: ["api"], ipv4Address: "10.0.0.5" }],
      secrets: [pw, { secret: pw, target: "db_pw", uid: 1000, gid: "1000", mode: 0o400 }],
      configs: [{ config: conf, target: "/etc/nginx/conf.d/default.conf" }],
    });
    const graph = stack.toGraph();
    expect(graph.services.web.networks).toEqual({ back: { aliases: ["api"], ipv4Address: "10.0.0.5" }, front: {} });
    expect(graph.services.web.secrets).toEqual([{ source: "pw" }, { source: "pw", target: "db_pw", uid: "1000", gid: "1000", mode: 0o400 }]);
    expect(graph.services.web.configs).toEqual([{ source: "conf", target: "/etc/nginx/conf.d/default.conf" }]);
    expect(graph.networks.back).toMatchObject({ internal: true, driver: "bridge", labels: { tier: "back" } });
    expect(graph.secrets.pw).toMatchObject({ file: "./pw.txt" });
  });

  test("external networks and volumes keep their engine names", () => {
    const stack = new Stack("app");
    new Network("proxy", { external: true, externalName: "traefik_proxy" });
    new Volume("shared", { external: true });
    const graph = stack.toGraph();
    expect(graph.networks.proxy).toMatchObject({ external: true, externalName: "traefik_proxy" });
    expect(graph.volumes.shared).toMatchObject({ external: true });
  });
});

describe("healthcheck and durations", () => {
  test("a string test runs in a shell; durations are normalized from strings or seconds", () => {
    const spec = specOf(
      () =>
        new Service("web", {
          image: "x",
          healthcheck: { test: "curl -f http://localhost", interval: 30, timeout: "500ms", startPeriod: "90s", startInterval: 0.25 },
          stopGracePeriod: "1m30s",
        }),
    );
    expect(spec.healthcheck).toEqual({
      test: ["CMD-SHELL", "curl -f http://localhost"],
      interval: "30s",
      timeout: "500ms",
      startPeriod: "1m30s",
      startInterval: "250ms",
    });
    expect(spec.stopGracePeriod).toBe("1m30s");
  });
});

describe("deploy", () => {
  test("cpus become strings and memory becomes bytes", () => {
    const spec = specOf(
      () =>
        new Service("web", {
          image: "x",
          deploy: {
            replicas: 3,
            resources: { limits: { cpus: 0.5, memory: "512M", pids: 100 }, reservations: { cpus: "0.25", memory: "1g" } },
            restartPolicy: { condition: "on-failure", delay: 5, maxAttempts: 3 },
            updateConfig: { parallelism: 2, delay: "10s", order: "start-first" },
            placement: { constraints: ["node.role == manager"] },
          },
        }),
    );
    expect(spec.deploy).toEqual({
      replicas: 3,
      resources: { limits: { cpus: "0.5", memory: 512 * 1024 ** 2, pids: 100 }, reservations: { cpus: "0.25", memory: 1024 ** 3 } },
      restartPolicy: { condition: "on-failure", delay: "5s", maxAttempts: 3 },
      updateConfig: { parallelism: 2, delay: "10s", order: "start-first" },
      placement: { constraints: ["node.role == manager"] },
    });
  });
});

describe("everything else", () => {
  test("plain fields pass through and extra is emitted verbatim", () => {
    const spec = specOf(
      () =>
        new Service("web", {
          image: "x",
          pullPolicy: "always",
          command: ["node", "server.js"],
          entrypoint: "/entry.sh",
          envFiles: ["./.env"],
          restart: "unless-stopped",
          labels: { team: "web" },
          user: "1000:1000",
          workingDir: "/app",
          hostname: "web1",
          containerName: "web1",
          init: true,
          tty: true,
          stdinOpen: false,
          privileged: false,
          readOnly: true,
          stopSignal: "SIGINT",
          extraHosts: ["host.docker.internal:host-gateway"],
          dns: ["1.1.1.1"],
          capAdd: ["NET_ADMIN"],
          capDrop: ["ALL"],
          profiles: ["debug"],
          extra: { sysctls: { "net.core.somaxconn": 1024 }, "x-team": "web" },
        }),
    );
    expect(spec).toMatchObject({
      pullPolicy: "always",
      command: ["node", "server.js"],
      entrypoint: "/entry.sh",
      envFiles: ["./.env"],
      restart: "unless-stopped",
      labels: { team: "web" },
      user: "1000:1000",
      workingDir: "/app",
      hostname: "web1",
      containerName: "web1",
      init: true,
      tty: true,
      stdinOpen: false,
      privileged: false,
      readOnly: true,
      stopSignal: "SIGINT",
      extraHosts: ["host.docker.internal:host-gateway"],
      dns: ["1.1.1.1"],
      capAdd: ["NET_ADMIN"],
      capDrop: ["ALL"],
      profiles: ["debug"],
      extra: { sysctls: { "net.core.somaxconn": 1024 }, "x-team": "web" },
    });
  });
});
