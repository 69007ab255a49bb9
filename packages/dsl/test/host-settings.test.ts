/** The host settings (sysctls, shmSize, ulimits, logging, …): typed props kept in compose's shapes, bad values reported at the prop. */
import { openSession, Service, Stack } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

test("GIVEN host settings in compose's shapes WHEN the graph is built THEN each is kept as written", () => {
  const settings = {
    sysctls: { "net.core.somaxconn": 1024 },
    shmSize: "256m",
    ulimits: { nofile: { soft: 1024, hard: 4096 }, nproc: 512 },
    memLimit: "1g",
    memswapLimit: -1,
    cpus: "1.5",
    pid: "host",
    groupAdd: ["audio", 44],
    dnsSearch: "example.test",
    logging: { driver: "json-file", options: { "max-size": "10m", "max-file": 3 } },
    oomScoreAdj: -500,
  } as const;
  const stack = new Stack("app");
  new Service("db", { image: "postgres:16", ...settings });
  const { location: _location, name: _name, ...spec } = stack.toGraph().services.db;
  expect(spec).toEqual({ image: "postgres:16", ...settings });
});

test("a malformed byte size, integer, range, key=value entry or limit is an error at the user's line naming the prop", () => {
  const stack = new Stack("app");
  // bad-host
  new Service("web", {
    image: "nginx",
    shmSize: "lots",
    memLimit: -5,
    cpuShares: 1.5,
    memSwappiness: 101,
    sysctls: ["net.core.somaxconn"],
    ulimits: { nofile: { soft: 10, hard: 5 } },
    cpus: "many",
    pid: "",
  });
  const where = `${at(__filename, "bad-host")}3: service "web"`;
  expect(problemLines(stack)).toEqual([
    `${where}: sysctls ["net.core.somaxconn"]: expected "key=value" entries, got "net.core.somaxconn"`,
    `${where}: shmSize "lots": expected a byte size like "512M", "1g" or "64kb", or a number of bytes`,
    `${where}: ulimits {"nofile":{"hard":5,"soft":10}}: nofile: the soft limit 10 is above the hard limit 5`,
    `${where}: pid "": expected a non-empty string`,
    `${where}: memLimit -5: expected a byte size like "512M", "1g" or "64kb", or a number of bytes`,
    `${where}: memSwappiness 101: expected an integer from 0 to 100`,
    `${where}: cpus "many": expected a non-negative number of CPUs like 0.5 or "1.5"`,
    `${where}: cpuShares 1.5: expected an integer from 0`,
  ]);
});

test("a wrong shape is the props check's error, with the prop's path", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", ulimits: { nofile: { soft: 1 } }, cgroup: "shared", logging: { driver: 1 } } as never); // bad-shape
  expect(problemLines(stack).join("\n")).toMatch(/ulimits\.nofile[\s\S]*cgroup "shared"[\s\S]*logging\.driver 1/);
});

test("extra may not set a host setting its typed prop also sets: the error names both; alone, extra carries it", () => {
  const stack = new Stack("app");
  new Service("web", { image: "nginx", shmSize: "64m", extra: { shm_size: "128m" } }); // both
  new Service("old", { image: "nginx", extra: { shm_size: "128m" } });
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "both")}3: service "web": extra.shm_size "128m": shadows the typed prop "shmSize", which is also set: give one of them`,
  ]);
  const alone = new Stack("alone");
  new Service("old", { image: "nginx", extra: { shm_size: "128m" } });
  expect(alone.toGraph().services.old.extra).toEqual({ shm_size: "128m" });
});
