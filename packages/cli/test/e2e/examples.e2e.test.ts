/**
 * The README's examples apply FROM NOTHING on an offline engine (stand-in images built from
 * busybox under the examples' image names), answer on their published port, re-apply as a
 * no-op, and destroy cleanly. The examples publish fixed ports, so they run one after another.
 */
import * as path from "node:path";
import { REPO, describeEngine, dsl, ensureStandInImages, httpGet, portFree, snapshot, useE2E } from "./helpers";

const EXAMPLES: ReadonlyArray<{ name: string; port: number; services: string[] }> = [
  { name: "nginx-php", port: 8080, services: ["nginx", "php"] },
  { name: "node-mongo", port: 8081, services: ["app", "mongo", "nginx"] },
  { name: "django-postgres", port: 8000, services: ["db", "web"] },
];

describeEngine("examples applied from nothing", () => {
  const fx = useE2E();
  const builtImages: string[] = [];

  beforeAll(async () => {
    await ensureStandInImages(fx.docker);
  }, 120_000);

  afterAll(async () => {
    for (const img of builtImages) await fx.docker(["image", "rm", "-f", img]).catch(() => undefined);
  }, 60_000);

  test.each(EXAMPLES)(
    "examples/$name: apply --yes from nothing answers on 127.0.0.1:$port, a second apply prints No changes and keeps the containers, destroy --volumes removes everything",
    async ({ name, port, services }) => {
      const project = fx.project(`ex-${name}`);
      const file = path.join(REPO, "examples", name, "stack.ts");
      expect(await portFree(port)).toBe(true);

      // WHEN the example is applied on an engine that has none of it
      const first = dsl(["-p", project, "apply", "--yes", file]);
      expect(first.stderr).not.toMatch(/error/i);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Apply complete/);

      // THEN every service runs, once, and the published port answers
      const before = await snapshot(fx.docker, project);
      for (const c of before.containers)
        builtImages.push(
          ...(c.service === "app" || c.service === "web" ? [await fx.docker(["container", "inspect", "--format", "{{.Config.Image}}", c.id])] : []),
        );
      expect(before.containers.map((c) => c.service).sort()).toEqual(services);
      expect(before.containers.every((c) => c.running)).toBe(true);
      const res = await httpGet(port);
      expect(res.status).toBe(200);

      // AND a second apply changes nothing
      const second = dsl(["-p", project, "apply", "--yes", file]);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/No changes/);
      const after = await snapshot(fx.docker, project);
      expect(after.containers.map((c) => [c.name, c.id, c.startedAt])).toEqual(before.containers.map((c) => [c.name, c.id, c.startedAt]));

      // AND destroy --volumes leaves nothing with the project label
      const down = dsl(["-p", project, "destroy", "--yes", "--volumes", file]);
      expect(down.code).toBe(0);
      expect(await snapshot(fx.docker, project)).toEqual({ containers: [], networks: [], volumes: [] });
      expect(await portFree(port)).toBe(true);
    },
    120_000,
  );
});
