// Wall time: ~4 s (runs the built `dsl` binary, one process per case; no engine).
/** Components, stages and context through the real binary: a user's stack.ts, dsl synth, exit codes and lines. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { dsl } from "./helpers";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-components-"));
  const write = (name: string, lines: string[]) => fs.writeFileSync(path.join(dir, name), lines.join("\n") + "\n");
  write("webapp.ts", [
    `import { Construct, Service } from "@berth/dsl";`,
    `export class WebApp extends Construct {`,
    `  constructor(scope: Construct, id: string, props: { image: string; port: number }) {`,
    `    super(scope, id);`,
    `    const db = new Service(this, "db", { image: "postgres:16" });`,
    '    new Service(this, "web", { image: props.image, ports: [`127.0.0.1:${props.port}:80`], dependsOn: [db] });',
    `  }`,
    `}`,
  ]);
  write("shop.ts", [
    `import { Stack } from "@berth/dsl";`,
    `import { WebApp } from "./webapp";`,
    `const stack = new Stack("shop");`,
    `new WebApp(stack, "blue", { image: "nginx:1.27", port: 8081 });`,
    `new WebApp(stack, "green", { image: "nginx:1.27", port: 80000 });`,
    `export default stack;`,
  ]);
  write("tagged.ts", [
    `import { Service, Stack, context, stage } from "@berth/dsl";`,
    'const stack = new Stack(`shop-${stage("dev")}`);',
    `new Service("web", { image: \`nginx:\${context("tag", "latest")}\`, deploy: { replicas: context.number("replicas", 1) } });`,
    `export default stack;`,
  ]);
  write("required.ts", [`import { Service, context } from "@berth/dsl";`, ``, `new Service("web", { image: \`nginx:\${context("tag")}\` });`]);
  write("berth.prod.json", [JSON.stringify({ tag: "3", replicas: 2 })]);
  write("tagged-app.ts", [
    `import { Construct, Service, Stack, context } from "@berth/dsl";`,
    `class TaggedApp extends Construct {`,
    `  constructor(scope: Construct, id: string) {`,
    `    super(scope, id);`,
    `    new Service(this, "web", { image: \`nginx:\${context("tag")}\` });`,
    `  }`,
    `}`,
    `const stack = new Stack("shop");`,
    `new TaggedApp(stack, "blue");`,
    `export default stack;`,
  ]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function services(stdout: string): Record<string, { image?: string; deploy?: { replicas?: number }; depends_on?: unknown }> {
  return (parse(stdout) as { services: Record<string, { image?: string }> }).services;
}

test("the WebApp component used twice synthesizes four services, and its error names the component's line and the user's new WebApp line", () => {
  fs.writeFileSync(path.join(dir, "good.ts"), fs.readFileSync(path.join(dir, "shop.ts"), "utf8").replace("80000", "8082"));
  const ok = dsl(["synth", "good.ts"], { cwd: dir });
  expect(ok.stderr).toBe("");
  expect(Object.keys(services(ok.stdout))).toEqual(["blue-db", "blue-web", "green-db", "green-web"]);
  expect(services(ok.stdout)["green-web"].depends_on).toEqual({ "green-db": { condition: "service_started" } });

  const bad = dsl(["synth", "shop.ts"], { cwd: dir });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/webapp\.ts:6:5: service "green-web": ports\[0\] "127\.0\.0\.1:80000:80": .*; in WebApp "green" at shop\.ts:5:1/);
});

test("dsl synth --set tag=2 changes the image tag; --stage prod reads berth.prod.json beside the stack; --set wins over the stage file", () => {
  expect(services(dsl(["synth", "tagged.ts"], { cwd: dir }).stdout).web.image).toBe("nginx:latest");
  expect(services(dsl(["synth", "tagged.ts", "--set", "tag=2"], { cwd: dir }).stdout).web.image).toBe("nginx:2");
  const prod = dsl(["--stage", "prod", "synth", "tagged.ts"], { cwd: dir });
  expect(prod.stdout).toMatch(/^# project: shop-prod\n/);
  expect(services(prod.stdout).web).toMatchObject({ image: "nginx:3", deploy: { replicas: 2 } });
  const both = dsl(["synth", "tagged.ts", "--stage", "prod", "--set", "tag=4", "--set", "replicas=5"], { cwd: dir });
  expect(services(both.stdout).web).toMatchObject({ image: "nginx:4", deploy: { replicas: 5 } });
});

test("a missing required context key is exit 1 at its line", () => {
  const res = dsl(["synth", "required.ts"], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stdout).toBe("");
  expect(res.stderr).toMatch(/^(error: )?required\.ts:3:\d+: context key "tag" is not set: pass --set tag=<text>, or give a default: context\("tag", …\)/m);
});

test("a missing context key read inside a component names the component's line and the user's new …(…) line", () => {
  const res = dsl(["synth", "tagged-app.ts"], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/tagged-app\.ts:5:\d+: context key "tag" is not set: .*; in TaggedApp at tagged-app\.ts:9:1\n/);
});

test("a stage without its file, and a --set without '=', are exit 1 saying what to do", () => {
  const stage = dsl(["synth", "tagged.ts", "--stage", "qa"], { cwd: dir });
  expect(stage.code).toBe(1);
  expect(stage.stderr).toContain("berth.qa.json: stage file not found: create it beside the stack");
  const set = dsl(["synth", "tagged.ts", "--set", "tag"], { cwd: dir });
  expect(set.code).toBe(1);
  expect(set.stderr).toContain('--set "tag": expected key=value');
});
