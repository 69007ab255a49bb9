/**
 * observe(): one snapshot of a project, identified by compose's labels, with the foreign objects
 * that hold names the graph needs. Against the real engine (including projects started by
 * Debian's docker-compose 1.29) and, for call counts and ordering, against a fake.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Graph, ServiceSpec } from "@berth/dsl";
import type { ContainerSummary, ImageSummary } from "../src/engine";
import { Labels } from "../src/labels";
import { observe, queryOf, type ObserveEngine } from "../src/compose/observe";
import { resolveDesired } from "../src/desired/resolve";
import { BUSYBOX, describeEngine, TEST_LABEL, useEngine } from "./helpers/engine";

const loc = { file: "stack.ts", line: 1, column: 1 };

function graphOf(project: string, services: Record<string, Partial<ServiceSpec>>, volumes: string[] = [], networks: string[] = []): Graph {
  return {
    version: 1,
    project,
    location: loc,
    services: Object.fromEntries(Object.entries(services).map(([name, s]) => [name, { name, location: loc, ...s }])),
    networks: Object.fromEntries(networks.map((name) => [name, { name, location: loc }])),
    volumes: Object.fromEntries(volumes.map((name) => [name, { name, location: loc }])),
    secrets: {},
    configs: {},
  };
}

/** What observe looks up for the graph's stack: the names it needs, its images. */
const query = (g: Graph) => queryOf(resolveDesired(g, { dir: "/stack", env: {} }));

describeEngine("observe against the engine", () => {
  const fx = useEngine();
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("recognises by their labels the containers, network and volume that docker-compose 1.29 made", async () => {
    const p = fx.project("compose");
    const dir = mkdtempSync(join(tmpdir(), "berth-compose-"));
    dirs.push(dir);
    const file = join(dir, "docker-compose.yml");
    writeFileSync(
      file,
      [
        'version: "2.4"',
        "services:",
        "  web:",
        `    image: ${BUSYBOX}`,
        '    command: ["sleep", "300"]',
        "    init: true",
        '    volumes: ["data:/data"]',
        "  worker:",
        `    image: ${BUSYBOX}`,
        '    command: ["sleep", "300"]',
        "    init: true",
        "    scale: 2",
        "volumes:",
        "  data: {}",
        "",
      ].join("\n"),
    );
    await fx.run("docker-compose", ["-p", p, "-f", file, "up", "-d"]);
    await fx.run("docker-compose", ["-p", p, "-f", file, "run", "-d", "--no-deps", "web", "sleep", "300"]);

    const o = await observe(fx.engine, p, query(graphOf(p, { web: { image: BUSYBOX }, worker: { image: BUSYBOX, deploy: { replicas: 2 } } }, ["data"])));

    expect(o.project).toBe(p);
    expect(o.endpoint).toBe(fx.engine.endpoint);
    expect(o.containers.map((c) => [c.service, c.number, c.oneoff, c.state])).toEqual([
      ["web", 1, false, "running"],
      ["web", 1, true, "running"],
      ["worker", 1, false, "running"],
      ["worker", 2, false, "running"],
    ]);
    // compose 1.29 names them project_service_N; identity came from the labels alone.
    expect(o.containers[0].name).toBe(`${p}_web_1`);
    expect(o.containers[0].networks).toEqual([`${p}_default`]);
    expect(o.containers[0].image).toBe(BUSYBOX);
    expect(o.containers[0].imageId).toMatch(/^sha256:/);
    expect(o.containers[0].labels[Labels.configHash]).toMatch(/^[0-9a-f]{64}$/);
    expect(o.networks.map((n) => [n.name, n.logicalName, n.driver])).toEqual([[`${p}_default`, "default", "bridge"]]);
    expect(o.volumes.map((v) => [v.name, v.logicalName, v.driver])).toEqual([[`${p}_data`, "data", "local"]]);
    // Our v2-style names (p-web-1) are free, and nothing else clashes.
    expect(o.foreign).toEqual([]);
    expect(o.foreignNetworks).toEqual([]);
    expect(o.foreignVolumes).toEqual([]);
    expect(o.images).toEqual({ [BUSYBOX]: o.containers[0].imageId });
  });

  it("reports containers, networks and volumes holding names the graph needs but not owned by the project", async () => {
    const { engine } = fx;
    const p = fx.project("clash");
    const other = fx.project("other");
    // Unlabelled: made by hand. Labelled with another project: made by another stack.
    const handMade = await engine.createContainer({ name: `${p}-web-1`, Image: BUSYBOX, Labels: { [TEST_LABEL]: p } });
    const otherProjects = await engine.createContainer({ name: `${other}-fixed`, Image: BUSYBOX, Labels: { [Labels.project]: other } });
    await engine.createNetwork({ Name: `${p}_default`, Labels: { [TEST_LABEL]: p } });
    await engine.createVolume({ Name: `${p}_data`, Labels: { [TEST_LABEL]: p } });
    // Ours, with a name that is also a prefix of the clashing ones: must not be reported.
    await engine.createContainer({
      name: `${p}-api-1`,
      Image: BUSYBOX,
      Labels: { [Labels.project]: p, [Labels.service]: "api", [Labels.containerNumber]: "1" },
    });

    const g = graphOf(
      p,
      { web: { image: `docker.io/${BUSYBOX}` }, api: { image: "berth-test/not-here:1" }, db: { image: BUSYBOX, containerName: `${other}-fixed` } },
      ["data"],
    );
    const o = await observe(engine, p, query(g));

    expect(o.containers.map((c) => c.name)).toEqual([`${p}-api-1`]);
    expect(o.foreign).toEqual([
      { id: handMade, name: `${p}-web-1` },
      { id: otherProjects, name: `${other}-fixed`, project: other },
    ]);
    expect(o.foreignNetworks).toEqual([`${p}_default`]);
    expect(o.foreignVolumes).toEqual([`${p}_data`]);
    // Written in full or short, the reference finds the local image.
    expect(Object.keys(o.images)).toEqual([BUSYBOX, `docker.io/${BUSYBOX}`]);
  });

  it("observes an empty project without a graph: empty lists, no foreign lookups", async () => {
    const p = fx.project("empty");
    const o = await observe(fx.engine, p);
    expect(o).toEqual({
      project: p,
      endpoint: fx.engine.endpoint,
      containers: [],
      networks: [],
      volumes: [],
      foreign: [],
      foreignNetworks: [],
      foreignVolumes: [],
      images: {},
      query: { containers: [], networks: [], volumes: [], images: [] },
    });
  });
});

describe("observe with a fake engine", () => {
  function container(name: string, labels: Record<string, string>): ContainerSummary {
    return {
      id: `id-${name}`,
      name,
      image: "img",
      imageId: "sha256:1",
      state: "running",
      status: "Up 1 second (healthy)",
      health: "healthy",
      labels,
      networks: [],
      created: 0,
    };
  }

  /** A fake that answers from fixed lists and counts calls; any other method throws. */
  function fake(rows: ContainerSummary[], images: ImageSummary[] = []) {
    const calls: string[] = [];
    const engine: ObserveEngine = {
      endpoint: "unix:///fake.sock",
      listContainers: async (o) => {
        calls.push(o?.names ? `containers:names=${o.names.join(",")}` : "containers");
        return o?.names ? rows.filter((r) => o.names!.includes(r.name)) : rows.filter((r) => r.labels[Labels.project] === o?.labels?.[Labels.project]);
      },
      listNetworks: async (o) => (calls.push(o?.names ? `networks:names=${o.names.join(",")}` : "networks"), []),
      listVolumes: async (o) => (calls.push(o?.names ? `volumes:names=${o.names.join(",")}` : "volumes"), []),
      listImages: async (o) => (calls.push(`images:${o?.references?.join(",")}`), images),
    };
    return { engine, calls };
  }

  const svc = (service: string, n: number, extra: Record<string, string> = {}) => ({
    [Labels.project]: "p",
    [Labels.service]: service,
    [Labels.containerNumber]: String(n),
    ...extra,
  });

  it("sorts containers by service, replica number and one-off, whatever order the engine used", async () => {
    const { engine } = fake([
      container("p-web-10", svc("web", 10)),
      container("p-web-run-x", svc("web", 1, { [Labels.oneoff]: "True" })),
      container("p-db-1", svc("db", 1)),
      container("p-web-2", svc("web", 2)),
      container("p-web-1", svc("web", 1, { [Labels.oneoff]: "False" })),
    ]);
    const o = await observe(engine, "p");
    expect(o.containers.map((c) => c.name)).toEqual(["p-db-1", "p-web-1", "p-web-run-x", "p-web-2", "p-web-10"]);
    expect(o.containers[0]).toMatchObject({ service: "db", number: 1, oneoff: false, health: "healthy" });
  });

  it("makes one list call per kind, and looks names up only for the ones the project does not own", async () => {
    const rows = [container("p-web-1", svc("web", 1)), container("p-db-1", svc("db", 1))];
    const g = graphOf("p", { web: { image: "nginx" }, db: { image: "postgres:16" } });
    const { engine, calls } = fake(rows, [{ id: "sha256:n", repoTags: ["nginx:latest"], repoDigests: [], created: 0, size: 0, labels: {} }]);
    const o = await observe(engine, "p", query(g));
    expect(calls.sort()).toEqual(["containers", "images:nginx:latest,postgres:16", "networks", "networks:names=p_default", "volumes"]);
    expect(o.images).toEqual({ nginx: "sha256:n" });

    const scaled = fake(rows);
    await observe(scaled.engine, "p", query(graphOf("p", { web: { image: "nginx", deploy: { replicas: 3 } } })));
    expect(scaled.calls).toContain("containers:names=p-web-2,p-web-3");
  });
});
