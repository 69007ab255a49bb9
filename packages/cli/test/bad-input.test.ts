// Wall time: ~15 s (one `dsl` child process per case, ~0.3 s each).
/**
 * Bad input as new users write it: every case exits 1 with a message at the user's
 * file:line, never exit 2 ("internal error"), never YAML on stdout.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dsl } from "./helpers";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bad-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes a stack file (`line2` and on follow `import … from "@berth/dsl"` on line 1) and runs `dsl synth` on it. */
function synth(body: string) {
  const file = `case${++counter}.ts`;
  fs.writeFileSync(path.join(dir, file), `import { Stack, Service, Volume, Secret, sensitive } from "@berth/dsl";\n${body}\n`);
  return { file, ...dsl(["-f", file, "synth"], { cwd: dir }) };
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
