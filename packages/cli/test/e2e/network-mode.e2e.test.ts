/**
 * `networkMode` on the compose target, against docker-compose 1.29 as the oracle: a compose file
 * with `network_mode: host / none / service:x`, imported (typed) and applied, makes the containers
 * compose makes (`service:x` is `container:<id of x's container>`, no network of the project
 * joined), and recreating x recreates the service on x's new container; Swarm refuses it at the
 * service's line. Wall time ≈ 15 s.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { requireCompose } from "../../../runtime/test/helpers/compose-oracle";
import { BUSYBOX, describeEngine, dsl, useE2E, writeStack } from "./helpers";
import { containerView, differences, inspectContainer } from "./parity";

const FIXTURE = `services:
  sidecar:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    network_mode: service:main
  main:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
  hosted:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    network_mode: host
  isolated:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    network_mode: none
`;

describeEngine("networkMode on the compose target: applied as docker compose applies it", () => {
  const fx = useE2E();

  const inspect = (name: string) => inspectContainer(fx.docker, name);

  test("docker-compose up and dsl import + apply agree on every inspected field; service:x is x's container, started first, and follows it when it is recreated", async () => {
    requireCompose();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-netmode-"));
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), FIXTURE);
    const berth = fx.project("netmb");
    const compose = fx.project("netmc");
    expect(dsl(["import", "docker-compose.yml", "-o", "stack.ts", "--project", berth], { cwd: dir }).code).toBe(0);
    const code = fs.readFileSync(path.join(dir, "stack.ts"), "utf8");
    expect(code).toContain("networkMode: { service: main }");
    expect(code).not.toContain("extra");
    const applied = dsl(["apply", "--yes", "stack.ts"], { cwd: dir });
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    await fx.run("docker-compose", ["-p", compose, "-f", "docker-compose.yml", "up", "-d"], { cwd: dir });
    const ids = { compose: (await inspect(`${compose}_main_1`)).Id, berth: (await inspect(`${berth}-main-1`)).Id };
    for (const svc of ["sidecar", "main", "hosted", "isolated"]) {
      const a = containerView(await inspect(`${compose}_${svc}_1`), compose);
      const b = containerView(await inspect(`${berth}-${svc}-1`), berth);
      if (svc === "sidecar") {
        expect([a["HostConfig.NetworkMode"], b["HostConfig.NetworkMode"]]).toEqual([`container:${ids.compose}`, `container:${ids.berth}`]);
        // …and its host name is that container's
        expect([a["Config.Hostname"], b["Config.Hostname"]]).toEqual([ids.compose.slice(0, 12), ids.berth.slice(0, 12)]);
        for (const v of [a, b]) for (const key of ["HostConfig.NetworkMode", "Config.Hostname"]) delete v[key];
      }
      expect({ svc, differences: differences(a, b) }).toEqual({ svc, differences: [] });
    }
    expect(dsl(["apply", "--yes", "stack.ts"], { cwd: dir }).stdout).toContain("No changes");
    await fx.run("docker-compose", ["-p", compose, "-f", "docker-compose.yml", "down"], { cwd: dir });

    // WHEN main is recreated, THEN sidecar is recreated after it, on the new container's network
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), FIXTURE.replace("  main:\n", "  main:\n    environment: { V: '2' }\n"));
    expect(dsl(["import", "docker-compose.yml", "-o", "stack.ts", "--project", berth, "--force"], { cwd: dir }).code).toBe(0);
    const again = dsl(["apply", "--yes", "stack.ts"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("networkMode service:main");
    const main = await inspect(`${berth}-main-1`);
    const sidecar = await inspect(`${berth}-sidecar-1`);
    expect(main.Id).not.toBe(ids.berth);
    expect({ mode: sidecar.HostConfig.NetworkMode, running: sidecar.State.Running }).toEqual({ mode: `container:${main.Id}`, running: true });
  }, 120_000);

  test("--target swarm refuses networkMode at the service's line", async () => {
    const project = fx.project("netms");
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("hosted", { image: ${JSON.stringify(BUSYBOX)}, networkMode: "host" });
export default stack;
`);
    const res = dsl(["synth", "--target", "swarm", file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'stack.ts:3:1: service "hosted": network_mode is not supported by Swarm: a Swarm service joins overlay networks (use networks), or deploy this service with the compose target',
    );
  }, 60_000);
});
