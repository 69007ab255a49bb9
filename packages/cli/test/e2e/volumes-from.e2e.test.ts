/**
 * `volumesFrom` on the compose target, against docker-compose 1.29 as the oracle: a compose file
 * with `volumes_from: [data, "logs:ro"]`, imported (typed) and applied, makes the containers
 * compose makes (`HostConfig.VolumesFrom` is `<id of the container>:rw|ro`, the other containers
 * are started first), the dependent really sees what the other container writes, and recreating
 * the other container recreates the dependent on the new one. Wall time ≈ 20 s.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { requireCompose } from "../../../runtime/test/helpers/compose-oracle";
import { BUSYBOX, describeEngine, dsl, useE2E } from "./helpers";
import { containerView, differences, inspectContainer } from "./parity";

const FIXTURE = `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    volumes_from: [data, "logs:ro"]
  data:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    volumes: ["/data"]
  logs:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    volumes: ["/logs"]
`;

describeEngine("volumesFrom on the compose target: applied as docker compose applies it", () => {
  const fx = useE2E();

  const inspect = (name: string) => inspectContainer(fx.docker, name);

  test("docker-compose up and dsl import + apply agree on every inspected field; the dependent sees the other container's files, and follows it when it is recreated", async () => {
    requireCompose();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-volfrom-"));
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), FIXTURE);
    const berth = fx.project("vfb");
    const compose = fx.project("vfc");
    expect(dsl(["import", "docker-compose.yml", "-o", "stack.ts", "--project", berth], { cwd: dir }).code).toBe(0);
    const code = fs.readFileSync(path.join(dir, "stack.ts"), "utf8");
    expect(code).toMatch(/volumesFrom: \[data, \{ service: logs, readOnly: true \}\]/);
    expect(code).not.toContain("extra");
    const applied = dsl(["apply", "--yes", "stack.ts"], { cwd: dir });
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    await fx.run("docker-compose", ["-p", compose, "-f", "docker-compose.yml", "up", "-d"], { cwd: dir });
    const idsOf = async (p: string, sep: string) => ({ data: (await inspect(`${p}${sep}data${sep}1`)).Id, logs: (await inspect(`${p}${sep}logs${sep}1`)).Id });
    const ids = { compose: await idsOf(compose, "_"), berth: await idsOf(berth, "-") };
    for (const svc of ["app", "data", "logs"]) {
      const a = containerView(await inspect(`${compose}_${svc}_1`), compose);
      const b = containerView(await inspect(`${berth}-${svc}-1`), berth);
      if (svc === "app") {
        expect([a["HostConfig.VolumesFrom"], b["HostConfig.VolumesFrom"]]).toEqual([
          [`${ids.compose.data}:rw`, `${ids.compose.logs}:ro`],
          [`${ids.berth.data}:rw`, `${ids.berth.logs}:ro`],
        ]);
        delete a["HostConfig.VolumesFrom"];
        delete b["HostConfig.VolumesFrom"];
      }
      expect({ svc, differences: differences(a, b) }).toEqual({ svc, differences: [] });
    }
    expect(dsl(["apply", "--yes", "stack.ts"], { cwd: dir }).stdout).toContain("No changes");
    await fx.run("docker-compose", ["-p", compose, "-f", "docker-compose.yml", "down", "-v"], { cwd: dir });

    // WHEN data writes a file, THEN app reads it at the same path; logs' volume is read-only in app
    await fx.docker(["exec", `${berth}-data-1`, "sh", "-c", "echo shared > /data/hello"]);
    expect((await fx.docker(["exec", `${berth}-app-1`, "cat", "/data/hello"])).trim()).toBe("shared");
    await expect(fx.docker(["exec", `${berth}-app-1`, "touch", "/logs/x"])).rejects.toThrow(/Read-only file system/);

    // WHEN data is recreated, THEN app is recreated after it, on the new container's volumes
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), FIXTURE.replace("  data:\n", "  data:\n    environment: { V: '2' }\n"));
    expect(dsl(["import", "docker-compose.yml", "-o", "stack.ts", "--project", berth, "--force"], { cwd: dir }).code).toBe(0);
    const again = dsl(["apply", "--yes", "stack.ts"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("volumesFrom data");
    const data = await inspect(`${berth}-data-1`);
    const app = await inspect(`${berth}-app-1`);
    expect(data.Id).not.toBe(ids.berth.data);
    expect({ from: app.HostConfig.VolumesFrom, running: app.State.Running }).toEqual({ from: [`${data.Id}:rw`, `${ids.berth.logs}:ro`], running: true });
    // the anonymous volume went to the new data container, so the file is still there
    expect((await fx.docker(["exec", `${berth}-app-1`, "cat", "/data/hello"])).trim()).toBe("shared");
  }, 120_000);
});
