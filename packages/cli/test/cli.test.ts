/** The `dsl` binary as a newcomer meets it: help, typos, missing files, exit codes, --json. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dsl } from "./helpers";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-cli-"));
  fs.writeFileSync(
    path.join(dir, "stack.ts"),
    `import { Stack, Service } from "@berth/dsl";\nconst s = new Stack("demo");\nnew Service("web", { image: "nginx:1.27", ports: ["127.0.0.1:8080:80"] });\nexport default s;\n`,
  );
  fs.writeFileSync(
    path.join(dir, "bad.ts"),
    `import { Service } from "@berth/dsl";\nnew Service("web", { image: "nginx", ports: ["8080:80"] });\nnew Service("api", { image: "nginx", ports: ["8080:81"] });\n`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("--help lists the commands and exits 0", () => {
  const res = dsl(["--help"]);
  expect(res.code).toBe(0);
  expect(res.stdout).toContain("Usage: dsl [options] [command]");
  for (const cmd of ["synth", "validate"]) expect(res.stdout).toMatch(new RegExp(`\\n  ${cmd}\\b`));
  expect(res.stdout).toContain(
    "Exit codes: 0 success, 1 a problem in the stack or the command line, 2 an internal error,\n3 the Docker engine could not be reached or refused",
  );
  for (const cmd of ["diff", "apply|up", "destroy|down", "build", "ps", "logs", "exec", "run", "stop", "start", "restart"])
    expect(res.stdout).toContain(`\n  ${cmd} `);
});

test("a typo in a command suggests the right one and exits 1", () => {
  const res = dsl(["synt"]);
  expect(res.code).toBe(1);
  expect(res.stderr).toContain("error: unknown command 'synt'");
  expect(res.stderr).toContain("(Did you mean synth?)");
});

test("-f names the stack file for every command", () => {
  const res = dsl(["-f", "bad.ts", "validate"], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain("bad.ts:3:1");
});

test("synth with no argument reads ./stack.ts and prints YAML", () => {
  const res = dsl(["synth"], { cwd: dir });
  expect(res.code).toBe(0);
  expect(res.stdout).toContain("services:\n  web:\n    image: nginx:1.27\n");
  expect(res.stdout).toContain('- "127.0.0.1:8080:80/tcp"');
});

test("synth -o writes the file and says so on stderr", () => {
  const res = dsl(["synth", "-o", "out.yml"], { cwd: dir });
  expect(res.code).toBe(0);
  expect(res.stdout).toBe("");
  expect(res.stderr).toBe("wrote out.yml (1 service)\n");
  expect(fs.readFileSync(path.join(dir, "out.yml"), "utf8")).toContain("image: nginx:1.27");
});

test("a missing stack file is a user error: exit 1, one line naming the file", () => {
  const res = dsl(["synth", "missing.ts"], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toBe("error: missing.ts: stack file not found\n");
});

test("validation problems exit 1 and name file:line and both services of a port clash", () => {
  const res = dsl(["validate", "bad.ts"], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain(
    'bad.ts:3:1: service "api": ports[0] "8080:81/tcp": host port 8080/tcp is also published by service "web" (bad.ts:2:1) as 8080:80/tcp',
  );
});

test("--json gives machine-readable results and errors", () => {
  const ok = dsl(["--json", "validate"], { cwd: dir });
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.stdout)).toEqual({ valid: true, project: "demo", services: ["web"] });
  const bad = dsl(["--json", "validate", "bad.ts"], { cwd: dir });
  expect(bad.code).toBe(1);
  const err = JSON.parse(bad.stdout).error;
  expect(err.type).toBe("ValidationError");
  expect(err.problems[0]).toMatchObject({ location: { file: "bad.ts", line: 3, column: 1 } });
});

test("validate prints a one-line summary", () => {
  const res = dsl(["validate"], { cwd: dir });
  expect(res.stdout).toBe('stack.ts: valid: project "demo", 1 service, 0 networks, 0 volumes\n');
});

test("an engine that does not answer is not a Berth bug: exit 3, one line saying where it looked; diff --exit-code still exits 1", () => {
  const env = { DOCKER_HOST: `unix://${path.join(dir, "no-such-docker.sock")}` };
  const res = dsl(["diff"], { cwd: dir, env });
  expect(res.code).toBe(3);
  expect(res.stderr).toBe(
    `error: cannot list containers: the Docker engine at unix://${path.join(dir, "no-such-docker.sock")} does not answer (ENOENT: connect ENOENT ${path.join(dir, "no-such-docker.sock")}); is dockerd running, and is DOCKER_HOST right?\n`,
  );
  expect(dsl(["diff", "--exit-code"], { cwd: dir, env }).code).toBe(1);
});
