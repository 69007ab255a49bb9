/**
 * A stack.ts written with the typed host settings (sysctls, shmSize, ulimits, logging, …)
 * synthesizes compose's own keys with the values as written; the official schema accepts the
 * file and docker-compose 1.29 (the oracle) reads it as it reads the same keys written by hand. Wall time ≈ 3 s.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { load, synth } from "../src";
import { composeConfig, specErrors } from "./helpers/compose-oracle";

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-synth-host-")));
  process.env.BERTH_CACHE_DIR = path.join(dir, ".cache");
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.BERTH_CACHE_DIR;
});

/** Each typed prop the stack sets, the compose key it must be written as, and the value (written as is). */
const SETTINGS: readonly (readonly [prop: string, key: string, value: unknown])[] = [
  ["sysctls", "sysctls", { "net.core.somaxconn": 1024 }],
  ["shmSize", "shm_size", "256m"],
  ["securityOpt", "security_opt", ["no-new-privileges:true"]],
  ["tmpfs", "tmpfs", ["/run", "/cache:size=1m"]],
  ["ulimits", "ulimits", { nofile: { soft: 1024, hard: 4096 }, nproc: 512 }],
  ["pid", "pid", "host"],
  ["ipc", "ipc", "shareable"],
  ["groupAdd", "group_add", ["audio"]],
  ["memLimit", "mem_limit", "1g"],
  ["memswapLimit", "memswap_limit", "2g"],
  ["memReservation", "mem_reservation", "512m"],
  ["oomScoreAdj", "oom_score_adj", -500],
  ["pidsLimit", "pids_limit", 100],
  ["cpus", "cpus", 1.5],
  ["cpuShares", "cpu_shares", 512],
  ["dnsSearch", "dns_search", "example.test"],
  ["dnsOpt", "dns_opt", ["ndots:2"]],
  ["logging", "logging", { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } }],
  ["domainname", "domainname", "example.test"],
];

const STACK = `import { Service, Stack } from "@berth/dsl";
const stack = new Stack("host");
new Service("db", {
  image: "postgres:16",
${SETTINGS.map(([prop, , value]) => `  ${prop}: ${JSON.stringify(value)},\n`).join("")}  extra: { "x-note": "kept" },
});
export default stack;
`;
const EXPECTED = Object.fromEntries(SETTINGS.map(([, key, value]) => [key, value]));

test("GIVEN a stack.ts using the typed host settings WHEN synthesized THEN each is compose's key with the value as written, and docker-compose 1.29 reads the same", async () => {
  const file = path.join(dir, "stack.ts");
  fs.writeFileSync(file, STACK);
  const { graph } = await load(file, { cwd: dir });
  const yaml = synth(graph);
  const model = parse(yaml, { version: "1.1" }) as { services: { db: Record<string, unknown> } };
  const { image: _image, "x-note": note, ...written } = model.services.db;
  expect(written).toEqual(EXPECTED);
  expect(note).toBe("kept");
  expect(specErrors(model)).toEqual([]);
  // docker-compose reads the synthesized file as it reads those keys written by hand (it prints sysctls values as strings, say).
  type Read = { services: { db: Record<string, unknown> } };
  const readBack = composeConfig(yaml, { project: "host", cwd: dir }) as Read;
  const byHand = composeConfig(JSON.stringify({ services: { db: { image: "postgres:16", ...EXPECTED } } }), { project: "host", cwd: dir }) as Read;
  for (const key of Object.keys(EXPECTED)) expect({ key, value: readBack.services.db[key] }).toEqual({ key, value: byHand.services.db[key] });
  expect(readBack.services.db.shm_size).toBe("256m");
});
