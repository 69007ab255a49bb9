/** `dsl import`, `dsl check`, `dsl init` and `--typecheck`, run as a user runs them. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dsl, REPO } from "./helpers";

let dir: string;
let cache: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-cli-import-")));
  cache = path.join(dir, ".cache");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], cwd = dir) => dsl(args, { cwd, env: { BERTH_CACHE_DIR: cache } });
const write = (name: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  fs.writeFileSync(path.join(dir, name), text);
};

const COMPOSE = `services:
  web:
    image: nginx:1.27-alpine
    ports:
      - "127.0.0.1:8080:80"
    depends_on: [api]
  api:
    build: ./api
    environment:
      DATABASE_URL: postgres://db/app
    volumes:
      - data:/var/lib/api
volumes:
  data:
`;

test("--help lists import, check and init; synth and apply offer --typecheck", () => {
  const help = run(["--help"]).stdout;
  for (const cmd of ["check", "import", "init"]) expect(help).toMatch(new RegExp(`\\n  ${cmd} `));
  for (const cmd of ["synth", "apply"]) expect(run([cmd, "--help"]).stdout).toContain("--typecheck");
});

describe("dsl import", () => {
  test("a secret written in the compose file itself stays sensitive in the stack, with a warning to read it with env()", () => {
    write("compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n");
    const res = run(["import", "compose.yml", "-o", "-"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('POSTGRES_PASSWORD: sensitive("example")');
    expect(res.stderr).toBe(
      'warning: compose.yml: services.db.environment.POSTGRES_PASSWORD is written in the compose file itself; the stack keeps it as sensitive("…"): better env("POSTGRES_PASSWORD"), with the value in .env\n',
    );
  });

  test("writes stack.ts beside the compose file and says what it made", () => {
    write("compose.yml", COMPOSE);
    const res = run(["import", "compose.yml", "--project", "shop"]);
    expect(res.stderr).toBe(`wrote stack.ts: project "shop", 2 services, 1 volume\n`);
    expect(res.code).toBe(0);
    const code = fs.readFileSync(path.join(dir, "stack.ts"), "utf8");
    expect(code).toContain(`const stack = new Stack("shop");`);
    expect(code).toContain(`const api = new Service("api", {`);
    expect(code).toContain(`dependsOn: [api]`);
  });

  test("-o - prints the stack; the printed stack synthesizes and type-checks", () => {
    write("compose.yml", COMPOSE);
    write("api/Dockerfile", "FROM scratch\n");
    const res = run(["import", "compose.yml", "-o", "-"]);
    expect(res.code).toBe(0);
    write("stack.ts", res.stdout);
    expect(run(["synth", "--typecheck", "stack.ts"]).stdout).toContain("  api:\n    build:\n      context: ./api\n");
    const check = run(["check"]);
    expect(check.stdout).toBe("");
    expect(check.stderr).toMatch(/^stack\.ts: no type errors \(\d+ ms, cached\)\n$/); // synth --typecheck checked it already
    expect(check.code).toBe(0);
  });

  test("refuses to overwrite a stack.ts unless --force", () => {
    write("compose.yml", COMPOSE);
    write("stack.ts", "// mine\n");
    const res = run(["import", "compose.yml"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe("error: stack.ts already exists; pass --force to overwrite it, or -o another file\n");
    expect(fs.readFileSync(path.join(dir, "stack.ts"), "utf8")).toBe("// mine\n");
    expect(run(["import", "compose.yml", "--force"]).code).toBe(0);
  });

  test.each([
    [
      "a misspelled key",
      "services:\n  web:\n    image: a\n    voluems: []\n",
      `error: compose.yml: unknown key "voluems" at services.web (line 4); did you mean "volumes"?\n`,
    ],
    [
      "an invalid port",
      "services:\n  web:\n    image: a\n    ports: ['99999:80']\n",
      `error: compose.yml: invalid port "99999:80" at services.web.ports[0] (line 4): host port 99999 is outside 0–65535\n`,
    ],
    [
      "an undefined variable",
      "services:\n  web:\n    image: nginx:${NGINX_TAG}\n",
      "error: compose.yml: variable ${NGINX_TAG} is not set (set it in the environment or in .env, or give a default: ${NGINX_TAG:-default}) at services.web.image (line 3)\n",
    ],
    ["a YAML syntax error", "services:\n  web:\n    image: 'a\n", /^error: compose\.yml: YAML syntax error \(line \d\): [^\n]+\n$/],
  ])("%s: one line with file and line, exit 1, no file written", (_what, text, expected) => {
    write("compose.yml", text);
    const res = run(["import", "compose.yml"]);
    expect(res.code).toBe(1);
    if (typeof expected === "string") expect(res.stderr).toBe(expected);
    else expect(res.stderr).toMatch(expected);
    expect(fs.readdirSync(dir).filter((f) => f !== ".cache")).toEqual(["compose.yml"]);
  });
});

describe("dsl check", () => {
  test("prints each type error at file:line:col and exits 1", () => {
    write("stack.ts", `import { Service } from "@berth/dsl";\nnew Service("web", { image: "nginx", restart: "sometimes" });\n`);
    const res = run(["check"]);
    expect(res.stdout).toBe(`stack.ts:2:38: error TS2322: Type '"sometimes"' is not assignable to type 'RestartPolicy | undefined'.\n`);
    expect(res.stderr).toMatch(/^stack\.ts: 1 problem \(\d+ ms\)\n$/);
    expect(res.code).toBe(1);
  });

  test("--json gives the diagnostics as data", () => {
    write("stack.ts", `import { Service } from "@berth/dsl";\nnew Service("web", { image: 1 });\n`);
    const res = run(["--json", "check"]);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { ok: boolean; diagnostics: { file: string; line: number; column: number; code: number }[] };
    expect(out.ok).toBe(false);
    expect(out.diagnostics.map((d) => [d.file, d.line, d.column, d.code])).toEqual([["stack.ts", 2, 22, 2322]]);
  });

  test("synth --typecheck stops on a type error that synth alone would not see", () => {
    write("stack.ts", `import { Service } from "@berth/dsl";\nconst port: number = "8080:80";\nnew Service("web", { image: "nginx", ports: [port] });\n`);
    expect(run(["synth"]).code).toBe(0);
    const res = run(["synth", "--typecheck"]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe(`error: 1 type error:\n  stack.ts:2:7: error TS2322: Type 'string' is not assignable to type 'number'.\n`);
  });

  test("apply --typecheck checks before talking to any engine", () => {
    write("stack.ts", `import { Service } from "@berth/dsl";\nnew Service("web", { image: true });\n`);
    const res = dsl(["apply", "--typecheck", "--yes"], { cwd: dir, env: { BERTH_CACHE_DIR: cache, DOCKER_HOST: "unix:///nonexistent.sock" } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("error: 1 type error:\n  stack.ts:2:22: error TS2322");
  });
});

describe("dsl init", () => {
  test("scaffolds a starter stack and a tsconfig that resolves @berth/dsl; the result type-checks", () => {
    const res = run(["init", "blog"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        `created blog/stack.ts (a starter stack: project "blog")`,
        `created blog/tsconfig.json (editor completion for @berth/dsl)`,
        `next: dsl check blog/stack.ts && dsl synth blog/stack.ts`,
        ``,
      ].join("\n"),
    );
    const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, "blog/tsconfig.json"), "utf8")) as { compilerOptions: { paths: Record<string, string[]> } };
    const mapped = path.resolve(dir, "blog", tsconfig.compilerOptions.paths["@berth/dsl"][0]);
    expect(mapped).toBe(path.join(REPO, "packages/dsl/src/index.ts"));
    const check = run(["check", "blog/stack.ts"]);
    expect(check.stderr).toMatch(/no type errors/);
    expect(check.code).toBe(0);
    expect(run(["synth", "blog/stack.ts"]).stdout).toContain("# project: blog\nservices:\n  web:\n");
  });

  test("imports the compose file it finds there", () => {
    write("shop/docker-compose.yml", COMPOSE);
    const res = run(["init", "shop"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`created shop/stack.ts (imported from docker-compose.yml: project "shop")`);
    expect(fs.readFileSync(path.join(dir, "shop/stack.ts"), "utf8")).toContain(`const data = new Volume("data");`);
  });

  test("keeps an existing tsconfig.json and refuses to overwrite stack.ts", () => {
    write("tsconfig.json", "{}\n");
    expect(run(["init"]).stdout).toContain("kept tsconfig.json");
    expect(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8")).toBe("{}\n");
    const again = run(["init"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("error: stack.ts already exists; pass --force to overwrite it\n");
  });
});
