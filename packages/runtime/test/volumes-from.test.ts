/**
 * Compose's `volumes_from` as the typed `volumesFrom`: synth writes compose's strings (valid against
 * the official schema, read back by docker-compose 1.29), a service named there starts first, the
 * compose target sends `HostConfig.VolumesFrom` as `<container>:rw|ro`, Swarm refuses it at the
 * line, and import writes it typed with variable references.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { openSession, Service, Stack } from "@berth/dsl";
import { importCompose, synth } from "@berth/runtime";
import { containerCreateBody } from "../src/compose/container-config";
import { resolveDesired } from "../src/desired/resolve";
import { swarmDiagnostics } from "../src/swarm/diagnostics";
import { composeConfig, specErrors } from "./helpers/compose-oracle";

beforeEach(() => openSession({ defaultProject: "test" }));

function graph() {
  const stack = new Stack("vf");
  const data = new Service("data", { image: "busybox", volumes: ["/data"] });
  const logs = new Service("logs", { image: "busybox", volumes: ["/logs"] });
  new Service("app", { image: "busybox", volumesFrom: [data, { service: logs, readOnly: true }, { container: "outside", readOnly: true }] }); // app
  return stack.toGraph();
}

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-volfrom-"));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("synth writes compose's volumes_from strings, valid against the official schema", () => {
  const model = parse(synth(graph()));
  expect(model.services.app.volumes_from).toEqual(["data", "logs:ro", "container:outside:ro"]);
  expect(model.services.data.volumes_from).toBeUndefined();
  expect(specErrors(model)).toEqual([]);
});

test("docker-compose 1.29 reads the service forms back with the same meaning (it prints them service:<name>:<mode>)", () => {
  const stack = new Stack("vf");
  const data = new Service("data", { image: "busybox", volumes: ["/data"] });
  new Service("app", { image: "busybox", volumesFrom: [data, { service: data, readOnly: true }] });
  new Service("ro", { image: "busybox", volumesFrom: [{ service: data, readOnly: true }] });
  // 1.29's config checks that a container: entry exists on the engine, so only the service forms go through it.
  const printed = inTempDir((dir) => composeConfig(synth(stack.toGraph()), { project: "vf", cwd: dir })) as {
    services: Record<string, { volumes_from?: string[] }>;
  };
  expect(printed.services.app.volumes_from).toEqual(["service:data:rw", "service:data:ro"]);
  expect(printed.services.ro.volumes_from).toEqual(["service:data:ro"]);
});

test("a service named in volumesFrom starts first, and the container mounts each container's volumes with its mode", () => {
  const desired = resolveDesired(graph(), { dir: "/s", env: {} });
  const app = desired.services.app;
  expect(app.dependsOn).toEqual({ data: { condition: "service_started" }, logs: { condition: "service_started" } });
  expect(containerCreateBody({ desired, service: app, number: 1 }).HostConfig.VolumesFrom).toEqual(["vf-data-1:rw", "vf-logs-1:ro", "outside:ro"]);
  expect(containerCreateBody({ desired, service: desired.services.data, number: 1 }).HostConfig.VolumesFrom).toBeUndefined();
});

test("Swarm refuses volumesFrom at the service's line", () => {
  const errors = swarmDiagnostics(graph()).filter((d) => d.level === "error");
  expect(errors.map((d) => d.message)).toEqual([
    expect.stringMatching(/volumes-from\.test\.ts:\d+:\d+: service "app": volumes_from is not supported by Swarm: /),
  ]);
});

test("import writes volumes_from typed: services as variable references, containers as { container }", () => {
  const code = inTempDir((dir) => {
    const yaml =
      "services:\n  data:\n    image: busybox\n  app:\n    image: busybox\n    volumes_from: [data, 'data:ro', 'container:outside:rw', 'container:logs:ro']\n";
    fs.writeFileSync(path.join(dir, "compose.yml"), yaml);
    return importCompose(path.join(dir, "compose.yml"), { cwd: dir, project: "vf" }).code;
  });
  expect(code).toMatch(
    /volumesFrom: \[\s*data,\s*\{ service: data, readOnly: true \},\s*\{ container: "outside" \},\s*\{ container: "logs", readOnly: true \},?\s*\]/,
  );
  expect(code).not.toContain("extra");
});
