/**
 * Compose's `scale`: the number of containers, as `deploy.replicas` (different values of the two
 * are refused at the line, as compose v2 refuses them). Planned like replicas, outside the config
 * hash; synth writes it (docker-compose 1.29 reads it back), the Swarm stack file as
 * deploy.replicas; import writes it typed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { openSession, Service, Stack, ValidationError } from "@berth/dsl";
import { importCompose, synth } from "@berth/runtime";
import { canonicalSpec } from "../src/desired/spec";
import { resolveDesired } from "../src/desired/resolve";
import { synthSwarm } from "../src/swarm/synth";
import { composeConfig } from "./helpers/compose-oracle";

beforeEach(() => openSession({ defaultProject: "test" }));

function graphWith(props: ConstructorParameters<typeof Service>[1]) {
  const stack = new Stack("sc");
  new Service("web", props);
  return stack.toGraph();
}

function problems(props: ConstructorParameters<typeof Service>[1]): string {
  try {
    graphWith(props);
  } catch (e) {
    if (ValidationError.isValidationError(e)) return e.message;
    throw e;
  }
  throw new Error("expected problems");
}

test("scale is the number of containers the plan wants, and not part of the config hash", () => {
  const g = graphWith({ image: "nginx", scale: 3 });
  expect(resolveDesired(g, { dir: "/s", env: {} }).services.web.replicas).toBe(3);
  expect(canonicalSpec(g.services.web)).toEqual(canonicalSpec(graphWith({ image: "nginx" }).services.web));
});

test("a scale that is no count, or that disagrees with deploy.replicas, is refused at the prop", () => {
  expect(problems({ image: "nginx", scale: 1.5 })).toContain("scale 1.5: scale must be a non-negative integer");
  expect(problems({ image: "nginx", scale: 2, deploy: { replicas: 3 } })).toContain(
    "scale 2: scale 2 and deploy.replicas 3 disagree (compose refuses distinct values): set one of them",
  );
  expect(problems({ image: "nginx", scale: 2, containerName: "one" })).toContain('containerName "one" allows one container, not 2');
  expect(() => graphWith({ image: "nginx", scale: 2, deploy: { replicas: 2 } })).not.toThrow();
});

test("synth writes scale and docker-compose 1.29 reads it back; the Swarm stack file says deploy.replicas", () => {
  const g = graphWith({ image: "nginx", scale: 2, deploy: { resources: { limits: { memory: 1024 * 1024 * 64 } } } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-scale-"));
  try {
    const printed = composeConfig(synth(g), { project: "sc", cwd: dir }) as { services: { web: { scale: number } } };
    expect(printed.services.web.scale).toBe(2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const web = parse(synthSwarm(g).yaml).services.web;
  expect(web.scale).toBeUndefined();
  expect(web.deploy.replicas).toBe(2);
  expect(web.deploy.resources.limits.memory).toBeDefined();
});

test("import writes scale as the typed prop", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-scale-"));
  try {
    fs.writeFileSync(path.join(dir, "compose.yml"), "services:\n  web:\n    image: nginx\n    scale: 2\n");
    const { code } = importCompose(path.join(dir, "compose.yml"), { cwd: dir, project: "sc" });
    expect(code).toContain("scale: 2");
    expect(code).not.toContain("extra");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
