// Wall time: ~45 s (one `dsl` child process per case, class 2 through synth, synth --target swarm and validate, ~0.3–0.5 s each on a loaded 2-core machine; one docker-compose config; one 1 s and three 2 s load timeouts).
/**
 * Bad input as new users write it: every case exits 1 with a message at the user's
 * file:line, never exit 2 ("internal error"), never YAML on stdout.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { dsl } from "./helpers";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bad-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes a stack file (`line2` and on follow `import … from "@berth/dsl"` on line 1) and runs `dsl synth` (or `command`) on it. */
function synth(body: string, command: readonly string[] = ["synth"]) {
  const file = `case${++counter}.ts`;
  fs.writeFileSync(path.join(dir, file), `import { Stack, Service, Volume, Secret, Config } from "@berth/dsl";\n${body}\n`);
  return { file, ...dsl(["-f", file, ...command], { cwd: dir }) };
}

/** GIVEN a stack whose line `line` is wrong THEN synth exits 1, prints no YAML and says `file:line:…: <expected>`. */
function expectLocated(res: ReturnType<typeof synth>, line: number, expected: string): void {
  expect(res.stderr).not.toContain("internal error");
  expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 1, stdout: "" });
  expect(res.stderr).toContain(`${res.file}:${line}:`);
  const located = res.stderr.split("\n").find((l) => l.includes(`${res.file}:${line}:`)) ?? "";
  expect(located).toContain(expected);
}

describe("class 1: wrong shapes are located problems, not crashes", () => {
  test.each([
    [`new Service("web", { image: "nginx", ports: "80:80" } as never);`, 'ports "80:80": expected an array'],
    [`new Service("web", { image: "nginx", ports: 80 } as never);`, "ports 80: expected an array"],
    [`new Service("web", { image: "nginx", volumes: "x:y" } as never);`, 'volumes "x:y": expected an array'],
    [`const db = new Service("db", { image: "postgres" });\nnew Service("web", { image: "nginx", dependsOn: db } as never);`, "dependsOn"],
    [`new Service("web", { image: "nginx", environment: ["A=1"] } as never);`, `compose's list form`],
    [`new Service("web", { image: "nginx", environment: { A: { b: 1 } } } as never);`, "environment.A"],
    [`new Service("web", { image: "nginx", restart: "allways" } as never);`, 'did you mean "always"?'],
    [`new Service("web", { image: "" });`, 'image "": expected a non-empty string'],
    [`new Service("web", { image: "nginx", extra: { image: "redis" } });`, 'extra.image "redis": shadows the typed prop "image"'],
  ])("%s", (body, expected) => {
    const res = synth(body);
    expectLocated(res, body.split("\n").length + 1, expected);
  });

  test("a typo in a prop name is caught by synth (no tsc needed) with the name it was meant to be", () => {
    const res = synth(`new Service("web", { image: "nginx", prots: ["80:80"] } as never);`);
    expectLocated(res, 2, 'prots: unknown key; did you mean "ports"?');
  });

  test("every problem of the file is listed at once", () => {
    const res = synth(`new Service("a", { image: "nginx", ports: 80 } as never);\nnew Service("b", { imgae: "nginx" } as never);`);
    expectLocated(res, 2, "ports 80");
    expectLocated(res, 3, 'did you mean "image"?');
  });

  test("a service made before the exported Stack is reported at its line, not dropped", () => {
    const res = synth(`new Service("early", { image: "nginx" });\nconst s = new Stack("demo");\nnew Service("web", { image: "nginx" });\nexport default s;`);
    expectLocated(res, 2, 'service "early": made before `new Stack("demo")`');
  });

  test("export default of something that is not a Stack is refused", () => {
    const res = synth(`new Service("web", { image: "nginx" });\nexport default 42;`);
    expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 1, stdout: "" });
    expect(res.stderr).toContain(`${res.file}: export default is number 42, not a Stack`);
  });
});

/** Class 2: a stack compose (or the engine) would refuse, and what synth says about it. */
const REFUSED: readonly (readonly [string, string])[] = [
  [`new Stack("empty");`, 'stack "empty": defines no services'],
  [`new Service("web", { image: "nginx", volumes: ["./a:/data", "./b:/data"] });`, 'volumes[1].target "/data": mounts on the same target as volumes[0]'],
  [
    `new Service("a", { image: "nginx", containerName: "x" });\nnew Service("b", { image: "nginx", containerName: "x" });`,
    'service "b": containerName "x": service "a"',
  ],
  [`new Service("web", { image: "nginx", ports: ["localhost:80:80"] });`, 'ports[0].hostIp "localhost": host address must be an IPv4 or IPv6 address'],
  [`new Service("web", { image: "nginx", ports: ["80:80:80"] });`, 'ports[0].hostIp "80"'],
  [`new Service("web", { image: "nginx", ports: ["1.2.3.999:80:80"] });`, 'ports[0].hostIp "1.2.3.999"'],
  [
    `const v = new Volume("v");\nnew Service("web", { image: "nginx", volumes: [{ source: v, target: "data" }] });`,
    'volumes[0].target "data": the container path must be absolute',
  ],
  [`new Service("web", { image: "nginx", volumes: ["data:data"] });`, '"data" is not a host path'],
  [`new Service("web", { image: "Nginx:Latest Version" });`, "invalid image reference (repository names are lowercase)"],
  [
    `const s = new Secret("pw", { file: "./nope.txt" });\nnew Service("web", { image: "nginx", secrets: [s] });`,
    'secret "pw": file "./nope.txt": file does not exist',
  ],
  [
    `const c = new Config("cf", { file: "./nope.conf" });\nnew Service("web", { image: "nginx", configs: [c] });`,
    'config "cf": file "./nope.conf": file does not exist',
  ],
  [`new Service("web", { image: "nginx", command: ["sleep", 10] } as never);`, "command[1] 10: expected a string"],
  [`new Service("web", { image: "nginx", environment: { "": "y" } });`, 'environment[""]: a key may not be empty'],
  [`new Service("web", { image: "nginx", extra: { logging: 5 } });`, "services.web.logging: compose would reject the file: must be object"],
];

/** The line of the construct at fault in a {@link REFUSED} case: the first line that mentions it. */
function faultLine(body: string, expected: string): number {
  const name = /"(empty|web|b|pw|cf)"/.exec(expected)?.[1] ?? "web";
  const line = body.split("\n").findIndex((l) => l.includes(`"${name}"`)) + 2;
  return line > 1 ? line : 2;
}

describe("class 2: synth never prints what compose would reject", () => {
  test.each(REFUSED)("%s", (body, expected) => {
    expectLocated(synth(body), faultLine(body, expected), expected);
  });

  // `synth --target swarm` and `validate` make the same checks as `synth`, with the same messages.
  describe.each([[["synth", "--target", "swarm"]], [["validate"]]])("%j", (command) => {
    test.each(REFUSED)("%s", (body, expected) => {
      expectLocated(synth(body, command), faultLine(body, expected), expected);
    });
  });

  test("GIVEN tricky but valid forms WHEN synthesized THEN docker-compose config accepts the file", () => {
    fs.writeFileSync(path.join(dir, "pw.txt"), "pw-7f3k9q2x-not-a-word\n");
    const res = synth(
      [
        `const s = new Stack("tricky");`,
        `const pw = new Secret("pw", { file: "./pw.txt" });`,
        `new Service("web", { image: "registry.local:5000/team/web_app:1.0-rc.1", ports: ["[::1]:8080:80", "127.0.0.1:8443:443/udp"], secrets: [pw],`,
        `  volumes: [{ type: "tmpfs", target: "/tmp" }, "./data:/data:ro"], environment: { MONTH: "08", YES: "yes" } });`,
        `export default s;`,
      ].join("\n"),
    );
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: "" });
    const compose = spawnSync("docker-compose", ["-p", "tricky", "-f", "-", "config"], { cwd: dir, input: res.stdout, encoding: "utf8" });
    expect({ status: compose.status, stderr: compose.stderr }).toEqual({ status: 0, stderr: "" });
    // Read back as the strings written (YAML 1.1 would turn an unquoted yes into true).
    expect(compose.stdout).toMatch(/MONTH: '?08'?\n/);
    expect(compose.stdout).toContain(`"YES": "yes"`);
  });
});

describe("loading is bounded, and what a stack throws is one located line", () => {
  test("GIVEN a stack that never finishes WHEN synth runs with --load-timeout 1s THEN it stops it and says where it got to", () => {
    fs.writeFileSync(path.join(dir, "loop.ts"), `import { Service } from "@berth/dsl";\nnew Service("web", { image: "nginx" });\nwhile (true) {}\n`);
    const started = Date.now();
    const res = dsl(["--load-timeout", "1s", "-f", "loop.ts", "synth"], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(8000);
    expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 1, stdout: "" });
    expect(res.stderr).toBe(
      `error: loop.ts: did not finish loading within 1 s (--load-timeout): an endless loop? (the last construct it made: service "web" at loop.ts:2:1)\n`,
    );
  });

  // The asynchronous part of a load is bounded too: what the top level left running (timers, an exported promise).
  test.each([
    [
      "a setInterval never cleared",
      `import { Service } from "@berth/dsl";\nnew Service("web", { image: "nginx" });\nsetInterval(() => {}, 1000);\n`,
      `a timer it started is still running (setInterval at FILE:3:1); clear it, or unref() it (the last construct it made: service "web" at FILE:2:1)`,
    ],
    [
      "a default export awaiting a promise that never settles",
      `import { Service, Stack } from "@berth/dsl";\nconst s = new Stack("p");\nnew Service("web", { image: "nginx" });\nexport default (async () => {\n  await new Promise(() => {});\n  return s;\n})();\n`,
      `its default export is a promise that did not settle (the last construct it made: service "web" at FILE:3:1)`,
    ],
    [
      "an endless loop in a timer's callback",
      `import { Service } from "@berth/dsl";\nnew Service("web", { image: "nginx" });\nsetTimeout(() => {\n  while (true) {}\n}, 10);\n`,
      `an endless loop? (the last construct it made: service "web" at FILE:2:1)`,
    ],
  ])("GIVEN %s WHEN synth runs with --load-timeout 2s THEN it ends within it, with a located message", (_what, source, expected) => {
    const file = `async${++counter}.ts`;
    fs.writeFileSync(path.join(dir, file), source);
    const started = Date.now();
    const res = dsl(["--load-timeout", "2s", "-f", file, "synth"], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(9000);
    expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 1, stdout: "" });
    expect(res.stderr).toBe(`error: ${file}: did not finish loading within 2 s (--load-timeout): ${expected.replace(/FILE/g, file)}\n`);
  });

  test("what the top level left running is waited for: a promise export settled by a timer, an error thrown in a callback at its line, an unref()'d timer ignored", () => {
    fs.writeFileSync(
      path.join(dir, "late.ts"),
      `import { Service, Stack } from "@berth/dsl";\nconst s = new Stack("late");\nnew Service("web", { image: "nginx" });\nsetInterval(() => {}, 1000).unref();\nexport default new Promise((resolve) => setTimeout(() => {\n  new Service("api", { image: "redis" });\n  resolve(s);\n}, 100));\n`,
    );
    const late = dsl(["--load-timeout", "2s", "-f", "late.ts", "synth"], { cwd: dir });
    expect({ code: late.code, stderr: late.stderr }).toEqual({ code: 0, stderr: "" });
    expect(late.stdout).toContain("  api:\n    image: redis\n");
    fs.writeFileSync(
      path.join(dir, "boom.ts"),
      `import { Service } from "@berth/dsl";\nnew Service("web", { image: "nginx" });\nsetTimeout(() => {\n  throw new Error("late boom");\n}, 10);\n`,
    );
    const boom = dsl(["-f", "boom.ts", "synth"], { cwd: dir });
    expect({ code: boom.code, stdout: boom.stdout }).toEqual({ code: 1, stdout: "" });
    expect(boom.stderr).toMatch(/^error: boom\.ts:4:9: Error: late boom\n/);
  });

  test("a thrown string is reported at the line that threw it", () => {
    fs.writeFileSync(
      path.join(dir, "str.ts"),
      `import { Service } from "@berth/dsl";\nfunction f(): never {\n  throw "x";\n}\nnew Service("web", { image: f() });\n`,
    );
    const res = dsl(["-f", "str.ts", "synth"], { cwd: dir });
    expect({ code: res.code, stdout: res.stdout, stderr: res.stderr }).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: str.ts:3:3: threw "x", not an Error (throw new Error(…) to get a stack trace)\n`,
    });
  });

  test("a missing npm package is one line at the import, without node's require stack", () => {
    fs.writeFileSync(
      path.join(dir, "miss.ts"),
      `import { Service } from "@berth/dsl";\nimport pad from "left-pad-not-installed";\nnew Service("web", { image: pad("nginx") });\n`,
    );
    const res = dsl(["-f", "miss.ts", "synth"], { cwd: dir });
    expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 1, stdout: "" });
    expect(res.stderr).toMatch(
      /^error: miss\.ts:2:\d+: cannot find module "left-pad-not-installed": install it beside the stack \(npm install left-pad-not-installed\)\n$/,
    );
  });
});

test("a problem of a construct made in a helper file names the helper's line and the caller's", () => {
  fs.writeFileSync(
    path.join(dir, "helpers.ts"),
    `import { Service } from "@berth/dsl";\nexport function web(name: string): Service {\n  return new Service(name, { image: "nginx", ports: "80:80" as never });\n}\n`,
  );
  fs.writeFileSync(path.join(dir, "uses-helper.ts"), `import { web } from "./helpers";\nweb("a");\nweb("b");\n`);
  const res = dsl(["-f", "uses-helper.ts", "synth"], { cwd: dir });
  expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 1, stdout: "" });
  expect(res.stderr).toContain(`helpers.ts:3:10 (from uses-helper.ts:2:1): service "a": ports "80:80"`);
  expect(res.stderr).toContain(`helpers.ts:3:10 (from uses-helper.ts:3:1): service "b": ports "80:80"`);
});
