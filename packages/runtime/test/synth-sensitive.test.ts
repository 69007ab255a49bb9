/**
 * Sensitive values in synthesized files: references by default, an env file on request, the
 * values themselves only when asked. Oracles: docker-compose 1.29 (`config`, which interpolates
 * and reads env files) and the docker CLI's stack loader (`docker stack config`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import type { Graph } from "@berth/dsl";
import { SynthError } from "../src";
import { sensitiveFiles, sensitiveVariables, synth, toComposeModel, type SensitiveMode } from "../src/synth";
import { synthSwarm } from "../src/swarm";
import { composeConfig, normalizeModel, normalizeReadback } from "./helpers/compose-oracle";
import { graphOf, loc, svc } from "./fixtures/synth/graphs";

/** Values that a careless writer would garble: quotes, backslashes, `$`, `#`, spaces. */
const TRICKY = `it's "q" \\ $HOME #x  end`;

/** GIVEN two services sharing one secret read with env(), one keyed literal, and a sensitive config. */
const shop: Graph = graphOf("shop", {
  services: {
    db: svc("db", {
      image: "postgres:16",
      environment: { POSTGRES_PASSWORD: "hunter2-secret", POSTGRES_DB: "shop" },
      sensitive: ["environment.POSTGRES_PASSWORD"],
      variables: { "environment.POSTGRES_PASSWORD": "DB_PASSWORD" },
      configs: [{ source: "app", target: "/etc/app.conf" }],
    }),
    web: svc("web", {
      image: "nginx:1.27",
      environment: { DATABASE_PASSWORD: "hunter2-secret", API_TOKEN: TRICKY, LOG: "info" },
      sensitive: ["environment.API_TOKEN", "environment.DATABASE_PASSWORD"],
      variables: { "environment.DATABASE_PASSWORD": "DB_PASSWORD" },
    }),
  },
  configs: { app: { name: "app", location: loc(3), content: "key=conf-secret\n", sensitive: true, variable: "APP_CONF" } },
});

/** The same stack without the config: docker-compose 1.29 knows no `environment` source for configs. */
const shopServices: Graph = { ...shop, services: { ...shop.services, db: { ...shop.services.db, configs: undefined } }, configs: {} };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-synth-sensitive-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeFiles(graph: Graph, mode: SensitiveMode, syntax: "compose" | "docker" = "compose"): void {
  for (const f of sensitiveFiles(graph, mode, syntax)) fs.writeFileSync(path.join(dir, f.path), f.content, { mode: 0o600 });
}

describe("by default (references)", () => {
  test("a sensitive value is written ${VAR:?set VAR}: the variable env() read it from, else the key itself", () => {
    const text = synth(shop);
    expect(text).toContain('POSTGRES_PASSWORD: "${DB_PASSWORD:?set DB_PASSWORD}"');
    expect(text).toContain('DATABASE_PASSWORD: "${DB_PASSWORD:?set DB_PASSWORD}"');
    expect(text).toContain('API_TOKEN: "${API_TOKEN:?set API_TOKEN}"');
    expect(text).toMatch(/configs:\n {2}app:\n {4}environment: APP_CONF\n/);
    for (const secret of ["hunter2-secret", "conf-secret", "it's"]) expect(text).not.toContain(secret);
  });

  test("sensitiveVariables says what to set; with those set docker-compose 1.29 reads back the values the graph holds", () => {
    expect(sensitiveVariables(shop)).toEqual({ API_TOKEN: TRICKY, APP_CONF: "key=conf-secret\n", DB_PASSWORD: "hunter2-secret" });
    const printed = composeConfig(synth(shopServices), { project: "shop", cwd: dir, env: sensitiveVariables(shopServices) });
    expect(normalizeReadback(printed, dir)).toEqual(normalizeModel(toComposeModel(shopServices, { sensitive: "inline" }), dir));
  });

  test("without the variables docker-compose refuses the file with the reference's own message", () => {
    expect(() => composeConfig(synth(shopServices), { project: "shop", cwd: dir })).toThrow(/set (DB_PASSWORD|API_TOKEN)/);
  });

  test("two different values that would share one variable are a user error at both lines", () => {
    const clash = graphOf("clash", {
      services: {
        a: svc("a", { image: "x", environment: { PASSWORD: "one-secret" }, sensitive: ["environment.PASSWORD"] }),
        b: svc("b", { image: "x", environment: { PASSWORD: "two-secret" }, sensitive: ["environment.PASSWORD"] }),
      },
    });
    expect(() => synth(clash)).toThrow(SynthError);
    expect(() => synth(clash)).toThrow(
      'stack.ts:10:1: service "b": environment.PASSWORD and stack.ts:10:1: service "a": environment.PASSWORD are both written as ${PASSWORD} but differ',
    );
    expect(() => synth(clash, { sensitive: { envFile: "secrets.env" } })).not.toThrow();
  });
});

describe("with an env file", () => {
  const mode = { envFile: "secrets.env" };
  const options = { sensitive: mode };

  test("the values leave environment: for one file per set of values, named under env_file:, and nothing else holds them", () => {
    const text = synth(shop, options);
    for (const secret of ["hunter2-secret", "conf-secret", "it's"]) expect(text).not.toContain(secret);
    const model = toComposeModel(shop, options);
    expect(model.services.db).toMatchObject({ environment: { POSTGRES_DB: "shop" }, env_file: ["secrets.env.db"] });
    expect(model.services.web).toMatchObject({ environment: { LOG: "info" }, env_file: ["secrets.env.web"] });
    expect(model.configs?.app).toEqual({ file: "secrets.env.config.app" });
    const files = sensitiveFiles(shop, mode, "compose");
    expect(files.map((f) => f.path)).toEqual(["secrets.env.db", "secrets.env.web", "secrets.env.config.app"]);
    expect(files[0].content).toBe(
      '# Sensitive values of stack "shop" (environment of service "db"), written by dsl synth.\n' +
        "# Do not commit this file: add it to .gitignore, and keep it readable by its owner only.\n" +
        "POSTGRES_PASSWORD='hunter2-secret'\n",
    );
    expect(files[2].content).toBe("key=conf-secret\n");
  });

  test("services with the same sensitive values share the one file named", () => {
    const same = graphOf("same", {
      services: {
        a: svc("a", { image: "x", environment: { PW: "same-secret" }, sensitive: ["environment.PW"] }),
        b: svc("b", { image: "x", environment: { PW: "same-secret" }, envFiles: ["base.env"], sensitive: ["environment.PW"] }),
      },
    });
    const model = toComposeModel(same, options);
    expect(model.services.a.env_file).toEqual(["secrets.env"]);
    expect(model.services.b.env_file).toEqual(["base.env", "secrets.env"]);
    expect(model.services.a.environment).toBeUndefined();
    expect(sensitiveFiles(same, mode, "compose").map((f) => f.holds)).toEqual(['environment of services "a", "b"']);
  });

  test("docker-compose 1.29 reads the files back as exactly the values, quotes, backslashes and $ included", () => {
    writeFiles(shop, mode);
    const printed = composeConfig(synth(shop, options), { project: "shop", cwd: dir });
    const services = printed.services as Record<string, { environment: Record<string, string> }>;
    // compose prints `$` as `$$` in its output.
    expect(services.web.environment).toEqual({ API_TOKEN: TRICKY.replace(/\$/g, "$$$$"), DATABASE_PASSWORD: "hunter2-secret", LOG: "info" });
    expect(services.db.environment).toEqual({ POSTGRES_DB: "shop", POSTGRES_PASSWORD: "hunter2-secret" });
    expect((printed.configs as Record<string, { file: string }>).app.file).toBe(path.join(dir, "secrets.env.config.app"));
  });

  test("a value on several lines is read back by docker-compose 1.29 too", () => {
    const multi = graphOf("multi", {
      services: { a: svc("a", { image: "x", environment: { KEY: "line one\nline 'two'" }, sensitive: ["environment.KEY"] }) },
    });
    writeFiles(multi, mode);
    const printed = composeConfig(synth(multi, options), { project: "multi", cwd: dir });
    expect((printed.services as Record<string, { environment: Record<string, string> }>).a.environment.KEY).toBe("line one\nline 'two'");
  });
});

test('"inline" writes the values as the graph holds them (and nothing else to write)', () => {
  const text = synth(shop, { sensitive: "inline" });
  expect(text).toContain("POSTGRES_PASSWORD: hunter2-secret");
  expect(text).toContain('content: "key=conf-secret\\n"');
  expect(sensitiveFiles(shop, "inline", "compose")).toEqual([]);
});

describe("the Swarm stack file", () => {
  const stackConfig = (file: string, env: Record<string, string> = {}) =>
    parse(execFileSync("docker", ["stack", "config", "-c", file], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH, HOME: dir, ...env } }));

  test("references the variables too, and docker stack config interpolates them", () => {
    const { yaml } = synthSwarm(shopServices);
    expect(yaml).not.toContain("hunter2-secret");
    fs.writeFileSync(path.join(dir, "stack.yml"), yaml);
    const back = stackConfig("stack.yml", sensitiveVariables(shopServices));
    expect(back.services.db.environment.POSTGRES_PASSWORD).toBe("hunter2-secret");
    expect(back.services.web.environment.API_TOKEN).toBe(TRICKY);
    const refused = spawnSync("docker", ["stack", "config", "-c", "stack.yml"], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH, HOME: dir } });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/set (DB_PASSWORD|API_TOKEN)/);
  });

  test("with an env file, the docker CLI reads it back literally", () => {
    const mode = { envFile: "secrets.env" };
    const { yaml } = synthSwarm(shopServices, { sensitive: mode });
    expect(yaml).not.toContain("hunter2-secret");
    writeFiles(shopServices, mode, "docker");
    fs.writeFileSync(path.join(dir, "stack.yml"), yaml);
    const back = stackConfig("stack.yml");
    expect(back.services.web.environment).toEqual({ API_TOKEN: TRICKY, DATABASE_PASSWORD: "hunter2-secret", LOG: "info" });
  });

  test("a value on several lines cannot go into a docker env file: a user error, not a garbled file", () => {
    const multi = graphOf("multi", { services: { a: svc("a", { image: "x", environment: { KEY: "a\nb" }, sensitive: ["environment.KEY"] }) } });
    expect(() => sensitiveFiles(multi, { envFile: "s.env" }, "docker")).toThrow(/KEY spans several lines/);
  });
});
