/** `dsl build`: builds what has a build, always, as compose's `build`; names what it cannot build. */
import * as fs from "node:fs";
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, useE2E, writeStack } from "./helpers";

describeEngine("dsl build", () => {
  const fx = useE2E();

  function stackWithBuild(project: string, marker: string): string {
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("app", { build: { context: "./app" }, image: "${project}-app:1", command: ["sleep", "3600"] });
new Service("worker", { image: "${project}-app:1", command: ["sleep", "3600"] });
new Service("db", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"] });
export default stack;
`);
    fs.mkdirSync(path.join(path.dirname(file), "app"), { recursive: true });
    fs.writeFileSync(path.join(path.dirname(file), "app", "Dockerfile"), `FROM ${BUSYBOX}\nRUN echo ${marker} > /marker\n`);
    return file;
  }

  test("builds every service that has a build (an image two services share, once), again on every run; --no-cache rebuilds each step", async () => {
    const project = fx.project("build");
    const image = fx.trackImage(`${project}-app:1`);
    const file = stackWithBuild(project, "one");

    const first = dsl(["-f", file, "build"]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`building ${image} (service app)`);
    expect(first.stdout).toMatch(new RegExp(`^Built 1 image in \\d+\\.\\ds: ${image}\\.\\n$`));
    const id1 = await fx.docker(["image", "inspect", "--format", "{{.Id}}", image]);
    expect(await fx.docker(["run", "--rm", image, "cat", "/marker"])).toBe("one");

    // a changed Dockerfile is built again, though the image exists (apply would not rebuild it)
    fs.writeFileSync(path.join(path.dirname(file), "app", "Dockerfile"), `FROM ${BUSYBOX}\nRUN echo two > /marker\n`);
    expect(dsl(["-f", file, "build", "app"]).code).toBe(0);
    expect(await fx.docker(["run", "--rm", image, "cat", "/marker"])).toBe("two");
    expect(await fx.docker(["image", "inspect", "--format", "{{.Id}}", image])).not.toBe(id1);

    const id2 = await fx.docker(["image", "inspect", "--format", "{{.Id}}", image]);
    expect(dsl(["-f", file, "build"]).code).toBe(0);
    expect(await fx.docker(["image", "inspect", "--format", "{{.Id}}", image])).toBe(id2); // cached layers: the same image
    expect(dsl(["-f", file, "build", "--no-cache"]).code).toBe(0);
    expect(await fx.docker(["image", "inspect", "--format", "{{.Id}}", image])).not.toBe(id2);
  });

  test("a service without a build, or with a typo, is an error naming it; a stack with no build says so", () => {
    const project = fx.project("nobuild");
    const file = stackWithBuild(project, "x");
    const noBuild = dsl(["-f", file, "build", "db"]);
    expect(noBuild.code).toBe(1);
    expect(noBuild.stderr).toMatch(/stack\.ts:5:1: service "db" has no build: it runs the image berth-test\/busybox:1/);
    const typo = dsl(["-f", file, "build", "ap"]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(`project "${project}" has no service "ap" (services: app, db, worker)`);

    const plain = writeStack(
      `import { Service, Stack } from "@berth/dsl";\nconst s = new Stack(${JSON.stringify(project)});\nnew Service("db", { image: ${JSON.stringify(BUSYBOX)} });\nexport default s;\n`,
    );
    const none = dsl(["-f", plain, "build"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(`Nothing to build: no service of "${project}" has a build.\n`);
  });
});
