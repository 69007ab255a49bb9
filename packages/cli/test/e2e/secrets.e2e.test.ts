/**
 * No output of Berth carries a sensitive value. GIVEN a stack whose every sensitive value is a
 * unique marker (a `sensitive("…")` literal, a `.env` variable read with env(), a secret's file,
 * a secret from the environment, a sensitive config content), WHEN every command of the CLI runs
 * on it (the error paths too), THEN no stdout, stderr or file Berth wrote holds the marker,
 * except the env file asked for with --write-env-file. Each step also checks that it did its
 * work (the containers ran and printed their secrets), so an empty output cannot pass for a clean one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUSYBOX, describeEngine, useE2E } from "./helpers";
import { markers, Recorder } from "./markers";

const S = markers();
const PRINT = "echo pw=$DB_PASSWORD tok=$TOKEN; cat /run/secrets/file_secret /run/secrets/env_secret /etc/app.conf; echo";

/** The stack: one service that prints every secret it gets, then sleeps. `extra` goes into its props. */
function stackSource(project: string, extra = ""): string {
  return `import { Config, Secret, Service, Stack, env, sensitive } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const fileSecret = new Secret("file_secret", { file: "./secret.txt" });
const envSecret = new Secret("env_secret", { environment: "API_TOKEN" });
const conf = new Config("app_conf", { content: sensitive(${JSON.stringify(S.conf)}) });
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  init: true,
  command: ["sh", "-c", ${JSON.stringify(`${PRINT}; trap 'exit 0' TERM; while true; do sleep 1; done`)}],
  environment: { DB_PASSWORD: sensitive(env("DB_PASSWORD")), TOKEN: sensitive(${JSON.stringify(S.literal)}), LOG_LEVEL: "info" },
  secrets: [fileSecret, envSecret],
  configs: [{ config: conf, target: "/etc/app.conf" }],${extra}
});
export default stack;
`;
}

describeEngine("no output of Berth carries a sensitive value", () => {
  const fx = useE2E();
  const project = fx.project("marker");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-marker-"));
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "berth-marker-cache-"));
  const inputs = new Set(["stack.ts", ".env", "secret.txt", "invalid.ts", "throws.ts", "unhealthy.ts", "import/compose.yml", "import/.env", "import/bad.yml"]);
  const cli = new Recorder(
    dir,
    () => ({ DOCKER_HOST: process.env.DOCKER_HOST, API_TOKEN: S.envSecret, BERTH_CACHE_DIR: cache }),
    (file) => inputs.has(file) || file.startsWith("secrets.env"),
  );

  beforeAll(() => {
    fs.writeFileSync(path.join(dir, "stack.ts"), stackSource(project));
    fs.writeFileSync(path.join(dir, ".env"), `DB_PASSWORD=${S.dotenv}\n`);
    fs.writeFileSync(path.join(dir, "secret.txt"), `${S.file}\n`);
    fs.writeFileSync(path.join(dir, "invalid.ts"), stackSource(project, `\n  ports: ["70000:80"],`));
    fs.writeFileSync(
      path.join(dir, "throws.ts"),
      `import { env, sensitive } from "@berth/dsl";\nconst pw = sensitive(env("DB_PASSWORD"));\nthrow new Error("cannot connect with " + pw.value);\n`,
    );
  });
  afterAll(() => {
    cli.run(["destroy", "--yes", "--volumes"]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }, 120_000);

  afterEach(() => expect(cli.leaks(S.marker)).toEqual([]));

  test("validate, graph, check and synth (every mode but the opt-in values) print references and (sensitive), never a value", () => {
    expect(cli.run(["validate"]).code).toBe(0);
    expect(cli.run(["--json", "validate"]).code).toBe(0);
    const graph = cli.run(["graph"]);
    expect(JSON.parse(graph.stdout).services.web.environment).toEqual({ DB_PASSWORD: "(sensitive)", LOG_LEVEL: "info", TOKEN: "(sensitive)" });
    expect(JSON.parse(graph.stdout).configs.app_conf.content).toBe("(sensitive)");
    expect(cli.run(["check"]).code).toBe(0);
    const synth = cli.run(["synth"]);
    expect(synth.stdout).toContain('DB_PASSWORD: "${DB_PASSWORD:?set DB_PASSWORD}"');
    expect(cli.run(["synth", "-o", "docker-compose.yml"]).code).toBe(0);
    expect(cli.run(["--json", "synth"]).code).toBe(0);
    expect(cli.run(["synth", "--target", "swarm", "-o", "swarm.yml"]).code).toBe(0);
    const envFile = cli.run(["synth", "--write-env-file", "secrets.env", "-o", "with-env-file.yml"]);
    expect(envFile.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "secrets.env"), "utf8")).toContain(S.dotenv);
    expect(fs.statSync(path.join(dir, "secrets.env")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, "secrets.env.config.app_conf")).mode & 0o777).toBe(0o600);
    expect(cli.files).toEqual(["docker-compose.yml", "swarm.yml", "with-env-file.yml"]);
  });

  test("--inline-sensitive is the one opt-in: it prints the values, with a warning", () => {
    // The opt-in output is the user's to keep: only its stderr is searched.
    const inline = cli.run(["synth", "--inline-sensitive"], {}, { optIn: true });
    expect(inline.stdout).toContain(`DB_PASSWORD: ${S.dotenv}`);
    expect(inline.stdout).toContain(`TOKEN: ${S.literal}`);
    expect(inline.stderr).toContain("warning: --inline-sensitive");
  });

  test("diff, apply, ps, logs, exec and run on the engine: the containers get the values, nothing prints them", async () => {
    const diff = cli.run(["diff"]);
    expect(diff.stdout).toContain("+ service  web");
    expect(cli.run(["--json", "diff"]).code).toBe(0);
    const apply = cli.run(["apply", "--yes"]);
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    expect(cli.run(["--json", "apply", "--yes"]).code).toBe(0);
    expect(cli.run(["ps"]).stdout).toContain(`${project}-web-1`);
    expect(cli.run(["--json", "ps"]).code).toBe(0);
    // The container printed every secret: the redactor is what keeps them out of `dsl logs`.
    const logs = cli.run(["logs"]);
    expect(logs.stdout).toContain("pw=(sensitive) tok=(sensitive)");
    expect(logs.stdout.match(/\(sensitive\)/g)?.length).toBeGreaterThanOrEqual(5);
    expect(cli.run(["exec", "web", "--", "sh", "-c", PRINT]).stdout).toContain("pw=(sensitive) tok=(sensitive)");
    expect(cli.run(["run", "--rm", "web", "--", "sh", "-c", PRINT]).stdout).toContain("pw=(sensitive) tok=(sensitive)");
    const changed = cli.run(["diff"], { API_TOKEN: `${S.marker}-changed` });
    expect(changed.stdout).toContain("contents.secrets.env_secret");
    // What the engine shows about the containers holds no value either (labels, the spec label).
    const labels = await fx.docker(["container", "inspect", "--format", "{{json .Config.Labels}}", `${project}-web-1`]);
    expect(labels).toContain("dev.berth.spec");
    cli.record("container labels", labels);
  }, 180_000);

  test("error paths: a validation error beside the values, an exception that quotes one, a failing apply whose healthcheck prints one", () => {
    for (const args of [
      ["validate", "invalid.ts"],
      ["synth", "invalid.ts"],
      ["--json", "apply", "--yes", "invalid.ts"],
      ["diff", "invalid.ts"],
    ]) {
      const res = cli.run(args);
      expect(res.code).toBe(1);
      expect(res.stdout + res.stderr).toContain("host port 70000");
    }
    const thrown = cli.run(["synth", "throws.ts"]);
    expect(thrown.code).toBe(1);
    expect(thrown.stderr).toContain("Error: cannot connect with (sensitive)");
    fs.writeFileSync(
      path.join(dir, "unhealthy.ts"),
      stackSource(`${project}-sick`, `\n  healthcheck: { test: "echo leaked $DB_PASSWORD; exit 1", interval: "1s", retries: 1 },`).replace(
        "export default stack;",
        `new Service("after", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "60"], dependsOn: [{ service: stack.services[0], condition: "healthy" }] });\nexport default stack;`,
      ),
    );
    const failed = cli.run(["apply", "--yes", "--wait-timeout", "60s", "unhealthy.ts"]);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toContain("is unhealthy: leaked (sensitive)");
    expect(cli.run(["destroy", "--yes", "unhealthy.ts"]).code).toBe(0);
  }, 180_000);

  test("import writes env() reads for what the compose file read from .env and the environment, and the stack it wrote synthesizes references", () => {
    fs.mkdirSync(path.join(dir, "import"));
    const composeFile = [
      "services:",
      "  app:",
      "    image: nginx:${TAG:-1.27}",
      "    environment:",
      "      DB_PASSWORD: ${DB_PASSWORD}",
      "      API_TOKEN: ${API_TOKEN}",
    ];
    fs.writeFileSync(path.join(dir, "import/compose.yml"), composeFile.join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "import/.env"), `DB_PASSWORD=${S.dotenv}\n`);
    fs.writeFileSync(path.join(dir, "import/bad.yml"), [...composeFile, "    voluems: []"].join("\n") + "\n");
    expect(cli.run(["import", "import/compose.yml"]).code).toBe(0);
    const code = fs.readFileSync(path.join(dir, "import/stack.ts"), "utf8");
    expect(code).toContain('DB_PASSWORD: sensitive(env("DB_PASSWORD"))');
    expect(code).toContain('API_TOKEN: sensitive(env("API_TOKEN"))');
    expect(cli.run(["import", "import/compose.yml", "-o", "-"]).code).toBe(0);
    expect(cli.run(["--json", "import", "import/compose.yml", "-o", "import/again.ts"]).code).toBe(0);
    const bad = cli.run(["import", "import/bad.yml", "-o", "-"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown key "voluems"');
    expect(cli.run(["synth", "import/stack.ts"]).stdout).toContain('DB_PASSWORD: "${DB_PASSWORD:?set DB_PASSWORD}"');
    expect(JSON.parse(cli.run(["graph", "import/stack.ts"]).stdout).services.app.environment.API_TOKEN).toBe("(sensitive)");
    expect(cli.files).toEqual(expect.arrayContaining(["import/again.ts", "import/stack.ts"]));
  });

  test("destroy, and the bundle cache holds nothing but the literals stack.ts itself contains", () => {
    const destroy = cli.run(["destroy", "--yes"]);
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain("- service  web");
    expect(cli.run(["--json", "destroy", "--yes"]).code).toBe(0);
    const files = (fs.readdirSync(cache, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(cache, f)).isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = fs.readFileSync(path.join(cache, file), "utf8").replaceAll(S.literal, "").replaceAll(S.conf, "");
      expect(text).not.toContain(S.marker);
    }
  });
});

const SWARM_HOST = process.env.BERTH_SWARM_DOCKER_HOST;

describeEngine("no output of Berth carries a sensitive value: --target swarm", () => {
  const stack = `btm-${S.marker.slice(2, 8)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-marker-swarm-"));
  const cli = new Recorder(
    dir,
    () => ({ DOCKER_HOST: SWARM_HOST, API_TOKEN: S.envSecret }),
    (file) => ["stack.ts", ".env", "secret.txt", "local.ts"].includes(file),
  );

  beforeAll(() => {
    if (!SWARM_HOST) throw new Error("BERTH_SWARM_DOCKER_HOST is not set: run `npm test` (it starts the private swarm engine), or BERTH_SKIP_ENGINE_TESTS=1");
    fs.writeFileSync(path.join(dir, "stack.ts"), stackSource(stack, `\n  deploy: { replicas: 1 },`).replace("init: true,", ""));
    fs.writeFileSync(path.join(dir, ".env"), `DB_PASSWORD=${S.dotenv}\n`);
    fs.writeFileSync(path.join(dir, "secret.txt"), `${S.file}\n`);
    fs.writeFileSync(path.join(dir, "local.ts"), stackSource(stack, `\n  ports: ["127.0.0.1:18999:80"],`));
  });
  afterAll(() => {
    if (SWARM_HOST) cli.run(["destroy", "--yes", "--target", "swarm"]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  afterEach(() => expect(cli.leaks(S.marker)).toEqual([]));

  test("synth, diff, apply, ps and destroy on a swarm, and a stack file Swarm would get wrong", () => {
    expect(cli.run(["synth", "--target", "swarm"]).stdout).toContain('DB_PASSWORD: "${DB_PASSWORD:?set DB_PASSWORD}"');
    expect(cli.run(["synth", "--target", "swarm", "-o", "stack.yml"]).code).toBe(0);
    expect(cli.run(["--json", "synth", "--target", "swarm"]).code).toBe(0);
    const local = cli.run(["synth", "--target", "swarm", "local.ts"]);
    expect(local.code).toBe(1);
    expect(local.stderr).toContain("127.0.0.1");
    expect(cli.run(["diff", "--target", "swarm"]).stdout).toContain("+ service  web");
    expect(cli.run(["--json", "diff", "--target", "swarm"]).code).toBe(0);
    const apply = cli.run(["apply", "--yes", "--target", "swarm"]);
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    const changed = cli.run(["--json", "apply", "--yes", "--target", "swarm"], { DB_PASSWORD: `${S.marker}-changed` });
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain("environment.DB_PASSWORD");
    expect(cli.run(["ps", "--target", "swarm"]).stdout).toContain(`service web (${stack}_web)`);
    expect(cli.run(["--json", "ps", "--target", "swarm"]).code).toBe(0);
    const destroy = cli.run(["destroy", "--yes", "--target", "swarm"]);
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain("Destroy complete");
  }, 240_000);
});
