import type { Graph, ServiceSpec } from "@berth/dsl";
import { resolveDesired } from "../src/desired/resolve";
import { Labels } from "../src/labels";
import type { Observed, ObservedContainer } from "../src/compose/observed";
import { planCompose as plan } from "../src/compose/plan";
import { formatPlan, isEmptyPlan, summarize } from "../src/target/format";

const here = { file: "stack.ts", line: 1, column: 1 };

function graph(services: Record<string, Partial<ServiceSpec>>, extra: Partial<Graph> = {}): Graph {
  const svcs: Record<string, ServiceSpec> = {};
  for (const [name, s] of Object.entries(services)) svcs[name] = { name, location: here, ...s };
  return { version: 1, project: "blog", location: here, services: svcs, networks: {}, volumes: {}, secrets: {}, configs: {}, ...extra };
}

function empty(): Observed {
  return {
    project: "blog",
    endpoint: "unix:///test.sock",
    containers: [],
    networks: [],
    volumes: [],
    foreign: [],
    foreignNetworks: [],
    foreignVolumes: [],
    images: {},
  };
}

/** What the engine would hold after a perfect apply of `g`. */
function converged(g: Graph, patch: (c: ObservedContainer) => Partial<ObservedContainer> = () => ({})): Observed {
  const desired = resolveDesired(g, { dir: "/stack", env: {} });
  const containers: ObservedContainer[] = Object.values(desired.services).flatMap((s) =>
    Array.from({ length: s.replicas }, (_, i) => {
      const c: ObservedContainer = {
        id: `${s.name}${i + 1}`.padEnd(64, "0"),
        name: `blog-${s.name}-${i + 1}`,
        service: s.name,
        number: i + 1,
        oneoff: false,
        state: "running",
        status: "Up 1 minute",
        image: s.image,
        imageId: `sha256:${s.image}`,
        labels: { [Labels.project]: "blog", [Labels.service]: s.name, [Labels.configHash]: s.hash, [Labels.spec]: JSON.stringify(s.spec) },
        networks: ["blog_default"],
      };
      return { ...c, ...patch(c) };
    }),
  );
  const networks = Object.values(desired.networks).map((n) => ({ id: `net-${n.name}`, name: n.engineName, logicalName: n.name, driver: "bridge", labels: {} }));
  const volumes = Object.values(desired.volumes).map((v) => ({ name: v.engineName, logicalName: v.name, driver: "local", labels: {} }));
  const images = Object.fromEntries(Object.values(desired.services).map((s) => [s.image, `sha256:${s.image}`]));
  return { ...empty(), containers, networks, volumes, images };
}

const blog = graph(
  {
    db: {
      image: "postgres:16",
      volumes: [{ type: "volume", source: "pgdata", target: "/var/lib/postgresql/data" }],
      healthcheck: { test: ["CMD", "pg_isready"] },
    },
    web: {
      image: "nginx:1.27",
      environment: { LOG_LEVEL: "info", DB_PASSWORD: "s3cret" },
      sensitive: ["environment.DB_PASSWORD"],
      dependsOn: { db: { condition: "service_healthy" } },
      init: true,
    },
  },
  { volumes: { pgdata: { name: "pgdata", location: here } } },
);

describe("plan", () => {
  test("from nothing, it creates the default network, the volume, and every service after what it depends on", () => {
    const p = plan(resolveDesired(blog, { dir: "/stack", env: {} }), empty());
    expect(formatPlan(p)).toBe(
      [
        'Berth plan for "blog" (unix:///test.sock)',
        "  + network  blog_default",
        "  + volume   blog_pgdata",
        "  + service  db       postgres:16",
        "  + service  web      nginx:1.27",
        "Plan: 4 to add, 0 to change, 0 to remove.",
        "",
      ].join("\n"),
    );
    const web = p.actions.find((s) => s.id === "service:web:1");
    expect(web?.after).toEqual(["network:default", "service:db:1", "wait:db"]);
    expect(p.actions.find((s) => s.id === "wait:db")).toMatchObject({ verb: "wait", condition: "service_healthy", after: ["service:db:1"] });
    expect(p.actions.find((s) => s.id === "service:db:1")?.after).toEqual(["network:default", "volume:pgdata"]);
  });

  test("a converged engine plans nothing", () => {
    const p = plan(resolveDesired(blog, { dir: "/stack", env: {} }), converged(blog));
    expect(isEmptyPlan(p)).toBe(true);
    expect(formatPlan(p)).toContain("No changes.");
  });

  test("a changed host setting (a typed prop) recreates that service and names the prop, nested", () => {
    const withHost = graph({ ...blog.services, web: { ...blog.services.web, shmSize: "64m", ulimits: { nofile: 1024 } } }, { volumes: blog.volumes });
    const changed = graph({ ...blog.services, web: { ...blog.services.web, shmSize: "128m", ulimits: { nofile: 2048 } } }, { volumes: blog.volumes });
    const p = plan(resolveDesired(changed, { dir: "/stack", env: {} }), converged(withHost));
    expect(p.actions.map((s) => `${s.verb} ${s.id}`)).toEqual(["recreate service:web:1", "wait wait:db"]);
    expect(formatPlan(p)).toContain('~ service  web      recreate: shmSize "64m" → "128m", ulimits.nofile 1024 → 2048');
  });

  test("a changed environment value recreates exactly that service and names the field", () => {
    const before = converged(blog);
    const changed = graph(
      { ...blog.services, web: { ...blog.services.web, environment: { LOG_LEVEL: "debug", DB_PASSWORD: "s3cret" } } },
      { volumes: blog.volumes },
    );
    const p = plan(resolveDesired(changed, { dir: "/stack", env: {} }), before);
    expect(p.actions.map((s) => `${s.verb} ${s.id}`)).toEqual(["recreate service:web:1", "wait wait:db"]);
    expect(formatPlan(p)).toContain('~ service  web      recreate: environment.LOG_LEVEL "info" → "debug"');
    expect(summarize(p)).toEqual({ add: 0, change: 1, remove: 0 });
  });

  test("dependsOn restart: true restarts the running dependent after its recreated dependency is healthy; without it, or when nothing is recreated, no restart", () => {
    const withRestart = graph(
      { ...blog.services, web: { ...blog.services.web, dependsOn: { db: { condition: "service_healthy", restart: true } } } },
      { volumes: blog.volumes },
    );
    const dbChanged = graph({ ...withRestart.services, db: { ...withRestart.services.db, environment: { POSTGRES_DB: "blog" } } }, { volumes: blog.volumes });
    const p = plan(resolveDesired(dbChanged, { dir: "/stack", env: {} }), converged(withRestart));
    expect(p.actions.map((s) => `${s.verb} ${s.id} after ${s.after.join(",")}`)).toEqual([
      "recreate service:db:1 after ",
      "restart service:web:1 after service:db:1,wait:db",
      "wait wait:db after service:db:1",
    ]);
    expect(formatPlan(p)).toContain("~ service  web      restart: db recreated (dependsOn restart: true)");
    expect(summarize(p)).toEqual({ add: 0, change: 2, remove: 0 });

    // without restart: true, only db; with nothing recreated, nothing
    const plainChanged = graph({ ...blog.services, db: { ...blog.services.db, environment: { POSTGRES_DB: "blog" } } }, { volumes: blog.volumes });
    expect(plan(resolveDesired(plainChanged, { dir: "/stack", env: {} }), converged(blog)).actions.map((s) => s.verb)).toEqual(["recreate"]);
    expect(isEmptyPlan(plan(resolveDesired(withRestart, { dir: "/stack", env: {} }), converged(withRestart)))).toBe(true);
    // a dependent that is recreated anyway (or stopped) is not restarted as well
    const bothChanged = graph(
      { ...dbChanged.services, web: { ...dbChanged.services.web, environment: { LOG_LEVEL: "debug", DB_PASSWORD: "s3cret" } } },
      { volumes: blog.volumes },
    );
    expect(plan(resolveDesired(bothChanged, { dir: "/stack", env: {} }), converged(withRestart)).actions.map((s) => `${s.verb} ${s.id}`)).toEqual([
      "recreate service:db:1",
      "recreate service:web:1",
      "wait wait:db",
    ]);
    const stopped = converged(withRestart, (c) => (c.service === "web" ? { state: "exited", status: "Exited (0) 1 minute ago" } : {}));
    expect(plan(resolveDesired(dbChanged, { dir: "/stack", env: {} }), stopped).actions.map((s) => `${s.verb} ${s.id}`)).toEqual([
      "recreate service:db:1",
      "start service:web:1",
      "wait wait:db",
    ]);
  });

  test("a changed sensitive value is named but never shown, in the text or in the JSON", () => {
    const changed = graph(
      { ...blog.services, web: { ...blog.services.web, environment: { LOG_LEVEL: "info", DB_PASSWORD: "hunter2" } } },
      { volumes: blog.volumes },
    );
    const p = plan(resolveDesired(changed, { dir: "/stack", env: {} }), converged(blog));
    expect(formatPlan(p)).toContain("recreate: environment.DB_PASSWORD (sensitive) changed");
    const json = JSON.stringify(p);
    expect(json).not.toContain("hunter2");
    expect(json).not.toContain("s3cret");
  });

  test("a stopped container is started, a missing one is created", () => {
    const stopped = converged(blog, (c) => (c.service === "web" ? { state: "exited", status: "Exited (137) 2 seconds ago" } : {}));
    const p1 = plan(resolveDesired(blog, { dir: "/stack", env: {} }), stopped);
    expect(p1.actions.filter((s) => s.verb !== "wait").map((s) => `${s.verb} ${s.id}`)).toEqual(["start service:web:1"]);
    const gone = converged(blog);
    const p2 = plan(resolveDesired(blog, { dir: "/stack", env: {} }), { ...gone, containers: gone.containers.filter((c) => c.service !== "db") });
    expect(p2.actions.filter((s) => s.verb !== "wait").map((s) => `${s.verb} ${s.id}`)).toEqual(["create service:db:1"]);
  });

  test("a service removed from the stack is removed; its volume is kept unless asked", () => {
    const withoutDb = graph({ web: { image: "nginx:1.27" } });
    const observed = converged(blog);
    const p = plan(resolveDesired(withoutDb, { dir: "/stack", env: {} }), observed);
    const text = formatPlan(p);
    expect(text).toContain("- service  db       1 container removed");
    expect(text).toContain("(volumes kept: blog_pgdata — removed only when asked)");
    expect(formatPlan(p, { keptVolumesHint: "use --volumes to remove" })).toContain("(volumes kept: blog_pgdata — use --volumes to remove)");
    const p2 = plan(resolveDesired(withoutDb, { dir: "/stack", env: {} }), observed, { volumes: true });
    expect(formatPlan(p2)).toContain("- volume   blog_pgdata");
  });

  test("scaling changes the number of containers without recreating the others", () => {
    const three = graph({ web: { image: "nginx:1.27", deploy: { replicas: 3 } } });
    const one = graph({ web: { image: "nginx:1.27", deploy: { replicas: 1 } } });
    const p = plan(resolveDesired(one, { dir: "/stack", env: {} }), converged(three));
    expect(p.actions.map((s) => `${s.verb} ${s.engineName}`)).toEqual(["remove blog-web-2", "remove blog-web-3"]);
    const up = plan(resolveDesired(three, { dir: "/stack", env: {} }), converged(one));
    expect(up.actions.map((s) => `${s.verb} ${s.engineName}`)).toEqual(["create blog-web-2", "create blog-web-3"]);
  });

  test("a container made by docker-compose (no recorded spec) is adopted, with the reason", () => {
    const composeMade = converged(blog, (c) => ({ labels: { [Labels.project]: "blog", [Labels.service]: c.service, [Labels.configHash]: "abc" } }));
    const p = plan(resolveDesired(blog, { dir: "/stack", env: {} }), composeMade);
    expect(formatPlan(p)).toContain("recreate: made without a recorded spec (by docker-compose?): recreate to adopt it");
  });

  test("a foreign container holding one of our names blocks the plan and is left alone", () => {
    const observed = { ...empty(), foreign: [{ id: "f00", name: "blog-web-1" }] };
    const p = plan(resolveDesired(blog, { dir: "/stack", env: {} }), observed);
    expect(p.blockers).toHaveLength(1);
    expect(p.blockers[0].message).toContain('a container named "blog-web-1" already exists and is not part of "blog"');
    expect(p.actions.some((s) => s.engineName === "blog-web-1")).toBe(false);
  });

  test("a rebuilt image recreates the containers that run it", () => {
    const observed = converged(blog);
    const p = plan(resolveDesired(blog, { dir: "/stack", env: {} }), { ...observed, images: { ...observed.images, "nginx:1.27": "sha256:new" } });
    expect(formatPlan(p)).toContain("recreate: image id of nginx:1.27 changed (pulled)");
  });

  test("a completed one-shot job is not restarted on every apply", () => {
    const g = graph({ migrate: { image: "app:1" }, web: { image: "app:1", dependsOn: { migrate: { condition: "service_completed_successfully" } } } });
    const observed = converged(g, (c) => (c.service === "migrate" ? { state: "exited", status: "Exited (0) 1 minute ago" } : {}));
    expect(isEmptyPlan(plan(resolveDesired(g, { dir: "/stack", env: {} }), observed))).toBe(true);
  });

  test("the same input gives byte-identical output whatever the engine's listing order", () => {
    const observed = converged(blog);
    const a = formatPlan(plan(resolveDesired(blog, { dir: "/stack", env: {} }), observed, { forceRecreate: true }));
    const b = formatPlan(
      plan(resolveDesired(blog, { dir: "/stack", env: {} }), { ...observed, containers: [...observed.containers].reverse() }, { forceRecreate: true }),
    );
    expect(a).toBe(b);
  });

  test("containers a newer Berth made (a label format this one does not know) block the plan, naming them", () => {
    const newer = converged(blog, (c) => (c.service === "web" ? { labels: { ...c.labels, [Labels.format]: "2", [Labels.managedBy]: "berth 9.0.0" } } : {}));
    const p = plan(resolveDesired(blog, { dir: "/stack", env: {} }), newer);
    expect(p.blockers.map((b) => b.message)).toEqual([
      "container blog-web-1 was made by a newer Berth (berth 9.0.0, label format 2; this one reads 1): upgrade Berth to change this project",
    ]);
  });
});
