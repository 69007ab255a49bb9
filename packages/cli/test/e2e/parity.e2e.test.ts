/**
 * Fidelity of the host settings on the compose target: a compose file using sysctls, shm_size,
 * ulimits, tmpfs, logging, memory and CPU limits, pid/ipc modes, … is brought up by docker-compose
 * 1.29 and, imported (into the typed props), by `dsl apply`, on the test engine; the two
 * containers must agree on every field of `docker inspect` (parity.ts says what is normalized).
 * The same keys under `extra` reach the engine too. A key the compose target cannot apply, or one
 * that fights another prop, is refused at the service's line with exit 1 and nothing created.
 * Wall time ≈ 20 s.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { requireCompose } from "../../../runtime/test/helpers/compose-oracle";
import { BUSYBOX, describeEngine, dsl, useE2E, writeStack } from "./helpers";
import { containerView, differences, inspectContainer } from "./parity";

const FIXTURE = `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    sysctls:
      net.core.somaxconn: 1024
      net.ipv4.tcp_syncookies: 0
    shm_size: 128m
    security_opt: ["no-new-privileges:true"]
    tmpfs: ["/run", "/cache:size=1m"]
    ulimits:
      nofile: { soft: 1024, hard: 2048 }
    pid: host
    ipc: shareable
    group_add: ["100"]
    mem_limit: 256m
    memswap_limit: 512m
    mem_reservation: 128m
    cpus: 0.5
    cpu_shares: 512
    oom_score_adj: 100
    pids_limit: 64
    domainname: example.test
    dns_search: [example.test]
    dns_opt: ["ndots:2"]
    logging:
      driver: json-file
      options: { max-size: "1m", max-file: "2" }
    x-note: an extension key, ignored by both
  sysctl-list:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    sysctls: ["net.core.somaxconn=512"]
    tmpfs: /scratch
    dns_search: example.test
`;

describeEngine("host settings (typed, or in extra) on the compose target: applied as docker compose applies them, or refused", () => {
  const fx = useE2E();

  const inspect = (name: string) => inspectContainer(fx.docker, name);

  test("docker-compose up and dsl import + apply make containers that agree on every inspected field", async () => {
    requireCompose();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-parity-"));
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), FIXTURE);
    const berth = fx.project("parb");
    const compose = fx.project("parc");
    expect(dsl(["import", "docker-compose.yml", "-o", "stack.ts", "--project", berth], { cwd: dir }).code).toBe(0);
    const code = fs.readFileSync(path.join(dir, "stack.ts"), "utf8");
    for (const prop of [
      `shmSize: "128m"`,
      `sysctls: { "net.core.somaxconn": 1024`,
      `ulimits: { nofile: { soft: 1024, hard: 2048 } }`,
      `pid: "host"`,
      `dnsSearch: "example.test"`,
    ])
      expect(code).toContain(prop);
    expect(code.match(/extra: \{[^}]*\}/g)).toEqual([`extra: { "x-note": "an extension key, ignored by both" }`]);
    const applied = dsl(["apply", "--yes", "stack.ts"], { cwd: dir });
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    await fx.run("docker-compose", ["-p", compose, "-f", "docker-compose.yml", "up", "-d"], { cwd: dir });
    for (const svc of ["app", "sysctl-list"]) {
      const a = containerView(await inspect(`${compose}_${svc}_1`), compose);
      const b = containerView(await inspect(`${berth}-${svc}-1`), berth);
      expect(a["HostConfig.ShmSize"] ?? a["HostConfig.Sysctls.net.core.somaxconn"]).toBeDefined(); // the oracle read something
      expect({ svc, differences: differences(a, b) }).toEqual({ svc, differences: [] });
    }
    const again = dsl(["apply", "--yes", "stack.ts"], { cwd: dir });
    expect(again.stdout).toContain("No changes");
    await fx.run("docker-compose", ["-p", compose, "-f", "docker-compose.yml", "down"], { cwd: dir });
  }, 120_000);

  test("a key the compose target does not apply, a malformed value, or a key that fights a typed prop: exit 1 at the service's line, nothing created", async () => {
    const project = fx.project("parx");
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("host", { image: ${JSON.stringify(BUSYBOX)}, extra: { network_mode: "host" } });
new Service("bad", { image: ${JSON.stringify(BUSYBOX)}, extra: { shm_size: "lots", "x-fine": 1 } });
new Service("both", { image: ${JSON.stringify(BUSYBOX)}, deploy: { resources: { limits: { memory: "128m" } } }, extra: { mem_limit: "256m" } });
new Service("typed", { image: ${JSON.stringify(BUSYBOX)}, deploy: { resources: { limits: { memory: "128m" } } }, memLimit: "256m", pid: "service:host" });
export default stack;
`);
    const res = dsl(["apply", "--yes", file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'stack.ts:3:1: service "host": extra.network_mode: dsl apply does not apply this compose key on the compose target (synth writes it, docker compose would honour it); remove it, or deploy the synthesized file with docker compose',
    );
    expect(res.stderr).toContain('stack.ts:4:1: service "bad": extra.shm_size: expected a byte size like "64m" or a number of bytes, got "lots"');
    expect(res.stderr).toContain(
      'stack.ts:5:1: service "both": extra.mem_limit sets HostConfig.Memory, which a typed prop of the service already sets; keep one of them',
    );
    expect(res.stderr).toContain(
      'stack.ts:6:1: service "typed": memLimit sets HostConfig.Memory, which another prop of the service already sets; keep one of them',
    );
    expect(res.stderr).toContain(
      'stack.ts:6:1: service "typed": pid: "service:host" names another container; Berth does not resolve it on the compose target yet',
    );
    expect(res.stderr).not.toContain("x-fine");
    expect(await fx.docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`])).toBe("");
    expect(await fx.docker(["network", "ls", "-q", "--filter", `label=com.docker.compose.project=${project}`])).toBe("");
  }, 60_000);

  test("a host setting carried in extra (as an older import wrote it) reaches the container as its typed prop does", async () => {
    const project = fx.project("pare");
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("old", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, extra: { shm_size: "96m", ulimits: { nofile: 4096 } } });
new Service("new", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, shmSize: "96m", ulimits: { nofile: 4096 } });
export default stack;
`);
    const res = dsl(["apply", "--yes", file]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    for (const svc of ["old", "new"]) {
      const host = (await inspect(`${project}-${svc}-1`)).HostConfig;
      expect({ svc, shm: host.ShmSize, ulimits: host.Ulimits }).toEqual({ svc, shm: 96 * 1024 * 1024, ulimits: [{ Name: "nofile", Soft: 4096, Hard: 4096 }] });
    }
  }, 60_000);
});
