/**
 * `importCompose`: compose files in, the stack.ts a person would write out. Problems are one
 * line naming the file and the line. (The corpus round trip is in import-corpus.test.ts.)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { composeToModel, importCompose, load, synth, typecheck } from "@berth/runtime";
import { EXTRA_KEYS } from "../src/compose/extra-keys";
import { SAMPLES } from "./helpers/host-samples";
import { cleanUp, roundTrip } from "./helpers/roundtrip";

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-import-")));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes `compose.yml` (and other files) into the test folder; returns its path. */
function compose(text: string, files: Record<string, string> = {}): string {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  const file = path.join(dir, "compose.yml");
  fs.writeFileSync(file, text);
  return file;
}

const code = (text: string, env: Record<string, string> = {}, files: Record<string, string> = {}) =>
  importCompose(compose(text, files), { cwd: dir, env, project: "t" }).code;

/** A stand-in value for every `${VAR:?…}` of a file (synth writes its sensitive values so): a deployer sets them. */
function requiredStandIns(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((m) => [m[1], `stand-in-${m[1]}`]));
}

/** The one-line message importCompose throws. */
function importError(text: string, env: Record<string, string> = {}): string {
  try {
    importCompose(compose(text), { cwd: dir, env });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the import to fail");
}

describe("problems are one line with the file and the line", () => {
  test("a misspelled key names the key, where it is, its line, and the key it probably meant", () => {
    const text = [
      "services:",
      "  nginx:",
      "    image: nginx:1.27",
      "    ports:",
      "      - 8080:80",
      "    depends_on:",
      "      - php",
      "  php:",
      "    image: php:8.3-fpm",
      "    restart: always",
      "    voluems:",
      "      - ./src:/var/www/html",
    ].join("\n");
    expect(importError(text)).toBe(`compose.yml: unknown key "voluems" at services.php (line 11); did you mean "volumes"?`);
  });

  test("an unknown key far from any known one gets no suggestion; x- keys are extensions", () => {
    expect(importError("services:\n  web:\n    image: a\n    frobnicate: 1\n")).toBe(`compose.yml: unknown key "frobnicate" at services.web (line 4)`);
    expect(code("services:\n  web:\n    image: a\n    x-team: web\n")).toContain(`extra: { "x-team": "web" }`);
  });

  test("misspelled keys are found in nested places too (build, healthcheck, top-level sections)", () => {
    expect(importError("services:\n  web:\n    build:\n      contxt: .\n")).toBe(
      `compose.yml: unknown key "contxt" at services.web.build (line 4); did you mean "context"?`,
    );
    expect(importError("services:\n  web:\n    image: a\nvolume:\n  data:\n")).toBe(
      `compose.yml: unknown key "volume" at the top level (line 4); did you mean "volumes"?`,
    );
  });

  test("an invalid port says what is wrong with it", () => {
    expect(importError("services:\n  web:\n    image: a\n    ports:\n      - '70000:80'\n")).toBe(
      `compose.yml: invalid port "70000:80" at services.web.ports[0] (line 5): host port 70000 is outside 0–65535`,
    );
    expect(importError("services:\n  web:\n    image: a\n    ports: ['http']\n")).toMatch(
      /^compose\.yml: invalid port "http" at services\.web\.ports\[0\] \(line 4\): expected/,
    );
  });

  test("an undefined variable without a default fails; with a default, or from .env, it does not, and the stack reads it with env() too", () => {
    expect(importError("services:\n  web:\n    image: nginx:${TAG}\n")).toBe(
      "compose.yml: variable ${TAG} is not set (set it in the environment or in .env, or give a default: ${TAG:-default}) at services.web.image (line 3)",
    );
    expect(code("services:\n  web:\n    image: nginx:${TAG:-1.27}\n")).toContain('image: `nginx:${env("TAG", "1.27")}`');
    expect(code("services:\n  web:\n    image: nginx:${TAG}\n", {}, { ".env": "# pinned\nTAG=1.26\n" })).toContain('image: `nginx:${env("TAG")}`');
    const fromEnv = code("services:\n  web:\n    image: nginx:${TAG}\n", { TAG: "env" }, { ".env": "TAG=file\n" });
    expect(fromEnv).toContain('image: `nginx:${env("TAG")}`');
    expect(fromEnv).not.toContain("nginx:env");
  });

  test("a YAML syntax error gives its line", () => {
    expect(importError("services:\n  web:\n    image: [nginx\n    ports: 1\n")).toMatch(/^compose\.yml: YAML syntax error \(line \d\): /);
    expect(importError("services:\n  web:\n    image: [nginx\n    ports: 1\n").split("\n")).toHaveLength(1);
  });

  test("a top-level section the DSL has no construct for is not dropped silently", () => {
    expect(importError("services:\n  web:\n    image: a\nmodels:\n  llm:\n    model: ai/smollm2\n")).toBe(
      `compose.yml: top-level "models" is not supported by the DSL yet at the top level (line 4)`,
    );
  });

  test("a reference to a volume, network, secret or service the file does not declare", () => {
    expect(importError("services:\n  web:\n    image: a\n    volumes:\n      - data:/data\n")).toBe(
      `compose.yml: volume "data" is not declared under the top-level volumes at services.web.volumes[0] (line 5)`,
    );
    expect(importError("services:\n  web:\n    image: a\n    depends_on: [db]\n")).toBe(
      `compose.yml: service "db" is not declared under the top-level services at services.web.depends_on[0] (line 4)`,
    );
  });
});

describe("interpolation as compose does it", () => {
  test.each([
    ["${A}", { A: "x" }, "x"],
    ["$A-$B", { A: "x", B: "y" }, "x-y"],
    ["${A:-d}", {}, "d"],
    ["${A:-d}", { A: "" }, "d"],
    ["${A-d}", { A: "" }, ""],
    ["${A:+alt}", { A: "x" }, "alt"],
    ["${A:+alt}", {}, ""],
    ["${A:?must be set}", { A: "x" }, "x"],
    ["$$HOME and $${A}", {}, "$HOME and ${A}"],
  ])("%s with %j is %j", (written, env, expected) => {
    const model = composeToModel(`services:\n  web:\n    image: a\n    working_dir: '${written}'\n`, path.join(dir, "c.yml"), { cwd: dir, env });
    const web = model.constructs.find((c) => c.name === "web");
    expect(web?.props?.workingDir).toBe(expected);
  });

  test("${VAR:?message} fails with the message", () => {
    expect(importError("services:\n  web:\n    image: ${IMG:?pick an image}\n")).toBe(
      "compose.yml: required variable IMG is missing a value: pick an image at services.web.image (line 3)",
    );
  });
});

describe("the generated code", () => {
  test("declares one const per referenced construct, in camelCase, before its first use; references are objects", () => {
    const out = code(
      [
        "services:",
        "  web:",
        "    image: nginx",
        "    depends_on: [api-server]",
        "    networks: [front-net]",
        "  api-server:",
        "    image: api",
        "    volumes: ['db_data:/data']",
        "    secrets: [api-key]",
        "    networks: [front-net]",
        "networks:",
        "  front-net:",
        "volumes:",
        "  db_data:",
        "secrets:",
        "  api-key:",
        "    file: ./key.txt",
      ].join("\n"),
    );
    expect(out).toContain(`const frontNet = new Network("front-net");`);
    expect(out).toContain(`const dbData = new Volume("db_data");`);
    expect(out).toContain(`const apiKey = new Secret("api-key", { file: "./key.txt" });`);
    expect(out).toContain(`volumes: [{ source: dbData, target: "/data" }]`);
    expect(out.indexOf("const apiServer")).toBeLessThan(out.indexOf(`new Service("web"`));
    expect(out).toContain("dependsOn: [apiServer]");
    expect(out).not.toMatch(/\bany\b/);
  });

  test("a name taken by a service is suffixed for the other kinds; reserved words never become variables", () => {
    const out = code("services:\n  db:\n    image: pg\n    volumes: ['db:/data']\n  default:\n    image: x\n    depends_on: [db]\nvolumes:\n  db:\n");
    expect(out).toContain(`const dbVolume = new Volume("db");`);
    expect(out).toContain(`const db = new Service("db"`);
    expect(out).toContain(`new Service("default"`);
  });

  test("keys the DSL does not model go to extra, verbatim, with a comment naming them", () => {
    const out = code("services:\n  web:\n    image: a\n    cpu_count: 2\n    volumes:\n      - ./src:/src\n      - ./cache:/cache:z\n");
    expect(out).toContain(
      "// compose keys the DSL does not model (yet), carried verbatim in extra: cpu_count; written in a form the DSL cannot say (yet), carried verbatim in extra: volumes",
    );
    expect(out).toContain(`extra: { cpu_count: 2, volumes: ["./src:/src", "./cache:/cache:z"] }`);
  });

  test("host settings (sysctls, shm_size, ulimits, logging, …) become their typed props in compose's shape, not extra", () => {
    const out = code(
      "services:\n  web:\n    image: a\n    sysctls:\n      - net.core.somaxconn=1024\n    shm_size: 64m\n    ulimits:\n      nofile: { soft: 1024, hard: 2048 }\n" +
        "    pid: host\n    mem_limit: 256m\n    cpus: 0.5\n    dns_search: example.test\n    logging:\n      driver: local\n      options: { max-size: 1m }\n",
    );
    for (const prop of [
      `sysctls: ["net.core.somaxconn=1024"],`,
      `shmSize: "64m",`,
      `ulimits: { nofile: { soft: 1024, hard: 2048 } },`,
      `pid: "host",`,
      `memLimit: "256m",`,
      `cpus: 0.5,`,
      `dnsSearch: "example.test",`,
      `logging: { driver: "local", options: { "max-size": "1m" } },`,
    ])
      expect(out).toContain(`\n  ${prop}\n`);
    expect(out).not.toContain("extra");
  });

  test.each(Object.keys(EXTRA_KEYS))("%s is imported into its typed prop, not extra", (key) => {
    const out = code(`services:\n  web:\n    image: a\n    ${key}: ${JSON.stringify(SAMPLES[key])}\n`);
    expect(out).toContain(`${EXTRA_KEYS[key].prop}: `);
    expect(out).not.toContain("extra");
  });

  test("a host setting in a form its typed prop cannot say stays in extra, verbatim, with the comment", () => {
    const out = code("services:\n  web:\n    image: a\n    shm_size: lots\n");
    expect(out).toContain("written in a form the DSL cannot say (yet), carried verbatim in extra: shm_size");
    expect(out).toContain(`extra: { shm_size: "lots" }`);
  });

  test("a literal $ in an extra value stays literal after synth (written $$)", () => {
    expect(code("services:\n  web:\n    image: a\n    annotations: ['x=$$y']\n")).toContain(`annotations: ["x=$$y"]`);
    // A typed prop holds the literal value; synth escapes it.
    expect(code("services:\n  web:\n    image: a\n    sysctls: ['x=$$y']\n")).toContain(`sysctls: ["x=$y"]`);
  });

  test("extends within the file is merged as compose merges", () => {
    const out = code(
      "services:\n  base:\n    image: a\n    environment: {A: '1', B: '2'}\n    cap_add: [NET_ADMIN]\n  web:\n    extends: base\n    environment: {B: '3'}\n    cap_add: [SYS_TIME]\n",
    );
    expect(out).toMatch(/new Service\("web", \{\s+image: "a",\s+environment: \{ A: "1", B: "3" \},\s+capAdd: \["NET_ADMIN", "SYS_TIME"\]/);
  });

  test("the project is --project, else name:, else the # project: comment synth writes, else the folder", () => {
    const file = compose("# project: blog\nservices:\n  web:\n    image: a\n");
    expect(importCompose(file, { cwd: dir }).project).toBe("blog");
    expect(importCompose(file, { cwd: dir, project: "other" }).project).toBe("other");
    fs.writeFileSync(file, "# project: blog\nname: shop\nservices:\n  web:\n    image: a\n");
    expect(importCompose(file, { cwd: dir }).project).toBe("shop");
    fs.writeFileSync(file, "services:\n  web:\n    image: a\n");
    expect(importCompose(file, { cwd: dir }).project).toBe(
      path
        .basename(dir)
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, ""),
    );
  });

  test("YAML 1.1 as docker-compose reads it: yes is true, 0755 is octal, y stays a string", () => {
    const model = composeToModel("services:\n  web:\n    image: a\n    tty: yes\n    labels:\n      answer: y\n", path.join(dir, "c.yml"), { cwd: dir });
    const props = model.constructs[0].props;
    expect(props?.tty).toBe(true);
    expect(props?.labels).toEqual({ answer: "y" });
  });

  test("relative paths are rebased when the stack goes to another folder", () => {
    const file = compose("services:\n  web:\n    build: ./app\n    volumes: ['./conf:/conf']\n", { "app/Dockerfile": "" });
    const out = importCompose(file, { cwd: dir, outDir: path.join(dir, "deploy") }).code;
    expect(out).toContain(`build: { context: "../app" }`);
    expect(out).toContain(`source: "../conf"`);
  });
});

describe("examples/*/docker-compose.yml", () => {
  const examples = path.resolve(__dirname, "../../../examples");
  const names = fs.readdirSync(examples).filter((d) => fs.existsSync(path.join(examples, d, "docker-compose.yml")));

  test.each(names)("%s: the imported stack type-checks and synthesizes the same file, byte for byte", async (name) => {
    const exampleDir = path.join(examples, name);
    const text = fs.readFileSync(path.join(exampleDir, "docker-compose.yml"), "utf8");
    const env = requiredStandIns(text);
    const { code: generated } = importCompose(path.join(exampleDir, "docker-compose.yml"), { cwd: exampleDir, env });
    // Written beside nothing (the repo stays untouched): synth writes paths as the stack does, wherever it is.
    fs.writeFileSync(path.join(dir, "stack.ts"), generated);
    const { graph } = await load(path.join(dir, "stack.ts"), { cwd: dir, cache: false, env });
    expect(synth(graph)).toBe(fs.readFileSync(path.join(exampleDir, "docker-compose.yml"), "utf8"));
    expect((await typecheck(path.join(dir, "stack.ts"), { cwd: dir, cache: false })).diagnostics).toEqual([]);
  });
});

describe("synth's golden files (every YAML 1.1 trap synth quotes, every spec-only form)", () => {
  const goldens = path.resolve(__dirname, "fixtures/synth");
  const names = fs.readdirSync(goldens).filter((f) => f.endsWith(".golden.yml"));

  test.each(names)("%s: synth(load(import(golden))) reads as the golden (byte for byte, up to key order in extra)", async (name) => {
    const text = fs.readFileSync(path.join(goldens, name), "utf8");
    const file = compose(text);
    const env = requiredStandIns(text);
    fs.writeFileSync(path.join(dir, "stack.ts"), importCompose(file, { cwd: dir, env }).code);
    const { graph } = await load(path.join(dir, "stack.ts"), { cwd: dir, cache: false, env });
    const out = synth(graph);
    // An optional dependency on an undefined service (spec-only) goes to extra, which synth writes with sorted keys.
    if (name === "spec-only.golden.yml") expect(parse(out, { version: "1.1" })).toEqual(parse(text, { version: "1.1" }));
    else expect(out).toBe(text);
  });
});

describe("round trips beyond the corpus (docker-compose 1.29 as the oracle)", () => {
  // (compose 1.29 cannot `extends` in a file read from stdin, as the oracle reads them: extends has its own test above.)
  test("long syntaxes, anchors, env_file, interpolation and external resources mean the same after import", async () => {
    const file = compose(
      [
        "x-common: &common",
        "  restart: unless-stopped",
        "  labels: [team=web]",
        "services:",
        "  web:",
        "    <<: *common",
        "    image: busybox:${TAG:-1.36}",
        "    environment: [A=1, B]",
        "    env_file: [web.env]",
        "    ports:",
        "      - target: 80",
        "        published: 8080",
        "      - '9000-9001:9000-9001/udp'",
        "    volumes:",
        "      - type: bind",
        "        source: ./html",
        "        target: /usr/share/html",
        "        read_only: true",
        "      - type: volume",
        "        source: data",
        "        target: /data",
        "        volume: { nocopy: true }",
        "      - type: tmpfs",
        "        target: /tmp",
        "        tmpfs: { size: 1048576 }",
        "    networks:",
        "      front: { aliases: [www] }",
        "      outside:",
        "    healthcheck:",
        "      test: curl -f http://localhost/ || exit 1",
        "      interval: 1m30s",
        "    secrets:",
        "      - source: token",
        "        target: api-token",
        "        mode: 0440",
        "    ulimits: { nofile: { soft: 1024, hard: 2048 } }",
        "networks:",
        "  front: { driver: bridge, internal: true }",
        "  outside: { external: true, name: shared-outside }",
        "volumes:",
        "  data: { labels: { backup: daily } }",
        "secrets:",
        "  token: { file: ./token.txt }",
      ].join("\n"),
    );
    const trip = await roundTrip(file, { files: { "web.env": "FROM_FILE=1\n", "token.txt": "t\n" } });
    try {
      expect(trip.roundTripped).toEqual(trip.original);
      expect(trip.code).toContain("mode: 0o440");
    } finally {
      cleanUp(trip);
    }
  });

  test("every host setting, imported into its typed prop, means the same to docker-compose 1.29 after synth", async () => {
    // docker-compose 1.29 predates `cgroup` and `uts` (it refuses the keys): the host settings the oracle cannot read.
    const { cgroup: _cgroup, uts: _uts, ...known } = SAMPLES;
    const file = compose(JSON.stringify({ services: { app: { image: "busybox", ...known } } }));
    const trip = await roundTrip(file);
    try {
      expect(trip.roundTripped).toEqual(trip.original);
      expect(trip.code).not.toContain("extra:");
    } finally {
      cleanUp(trip);
    }
  });

  test("deploy, logging, profiles, configs, labels and the other scalar keys mean the same after import", async () => {
    const file = compose(
      [
        "services:",
        "  worker:",
        "    image: busybox",
        "    entrypoint: [sh, -c]",
        "    command: 'echo $$HOME; sleep 1'",
        "    user: '1000'",
        "    working_dir: /work",
        "    restart: on-failure:3",
        "    labels: [com.example.team=core, 'com.example.empty=']",
        "    extra_hosts: ['host.docker.internal:host-gateway']",
        "    dns: 1.1.1.1",
        "    tmpfs: /run",
        "    profiles: [jobs]",
        "    stop_grace_period: 1m",
        "    logging: { driver: json-file, options: { max-size: 10m } }",
        "    configs:",
        "      - source: app",
        "        target: /etc/app.conf",
        "    deploy:",
        "      replicas: 2",
        "      resources:",
        "        limits: { cpus: '0.50', memory: 512M }",
        "      restart_policy: { condition: on-failure, max_attempts: 3 }",
        "configs:",
        "  app:",
        "    file: ./app.conf",
      ].join("\n"),
    );
    const trip = await roundTrip(file, { files: { "app.conf": "x=1\n" } });
    try {
      expect(trip.roundTripped).toEqual(trip.original);
      expect(trip.code).toContain(`tmpfs: "/run",`);
      expect(trip.code).toContain(`logging: { driver: "json-file", options: { "max-size": "10m" } },`);
      expect(trip.code).not.toContain("extra:");
    } finally {
      cleanUp(trip);
    }
  });

  test("anonymous volumes are typed mounts in the form they were written in, with the service's other mounts; the meaning is the same", async () => {
    const file = compose(
      [
        "services:",
        "  web:",
        "    image: a",
        "    volumes:",
        "      - ./src:/project",
        "      - /project/node_modules",
        "      - type: volume",
        "        target: /cache",
        "        read_only: true",
        "        volume: { nocopy: true }",
      ].join("\n"),
    );
    const trip = await roundTrip(file);
    try {
      expect(trip.code).toContain(`"/project/node_modules"`);
      expect(trip.code).toContain(`{ type: "volume", target: "/cache", readOnly: true, noCopy: true }`);
      expect(trip.code).not.toContain("extra");
      expect(trip.roundTripped).toEqual(trip.original);
    } finally {
      cleanUp(trip);
    }
  });

  test("joining compose's implicit default network declares it; the meaning is the same", async () => {
    const trip = await roundTrip(compose("services:\n  web:\n    image: a\n    networks: [default, back]\nnetworks:\n  back:\n"), { project: "netted" });
    try {
      expect(trip.code).toContain(`const defaultNetwork = new Network("default");`);
      expect(trip.code).toContain(`const stack = new Stack("netted");`);
      expect(trip.roundTripped).toEqual(trip.original);
    } finally {
      cleanUp(trip);
    }
  });
});
