// Wall time: ~12 s (an apply, a diff and a destroy of four busybox containers on the shared test engine).
/**
 * Components, stack-wide defaults and stages on a real engine: the WebApp component twice is
 * four containers named after their paths, labelled as compose labels them (so `docker compose`
 * sees them), with the stack's labels and restart policy; a stage changes one of them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, snapshot, useE2E, writeStack } from "./helpers";

function shop(project: string): string {
  return `import { Construct, Service, Stack, context, stage } from "@berth/dsl";
class WebApp extends Construct {
  constructor(scope: Construct, id: string, props: { port: number }) {
    super(scope, id);
    const db = new Service(this, "db", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"] });
    new Service(this, "web", {
      image: ${JSON.stringify(BUSYBOX)},
      init: true,
      command: ["httpd", "-f", "-p", "8080", "-h", "/etc"],
      ports: [\`127.0.0.1:\${props.port}:8080\`],
      environment: { TAG: context("tag", "1") },
      dependsOn: [db],
    });
  }
}
const stack = new Stack(${JSON.stringify(project)}, { labels: { team: "shop" }, environment: { STAGE: stage("dev") }, restart: "unless-stopped" });
const blue = new WebApp(stack, "blue", { port: 18301 });
new WebApp(stack, "green", { port: 18302 }).addDependency(blue);
export default stack;
`;
}

describeEngine("components on a real engine", () => {
  const fx = useE2E();

  test("the WebApp component twice runs four containers named after their paths, with the stack's labels and restart policy; a stage recreates what it changes", async () => {
    // GIVEN the component used twice
    const project = fx.project("components");
    const file = writeStack(shop(project));
    fs.writeFileSync(path.join(path.dirname(file), "berth.prod.json"), JSON.stringify({ tag: "2" }));

    // WHEN it is applied
    const applied = dsl(["apply", "--yes", file]);

    // THEN four containers run, named and labelled as compose names them
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    const first = await snapshot(fx.docker, project);
    expect(first.containers.map((c) => [c.name, c.service, c.running])).toEqual([
      [`${project}-blue-db-1`, "blue-db", true],
      [`${project}-blue-web-1`, "blue-web", true],
      [`${project}-green-db-1`, "green-db", true],
      [`${project}-green-web-1`, "green-web", true],
    ]);
    const inspected = JSON.parse(await fx.docker(["container", "inspect", `${project}-green-web-1`])) as Array<{
      Config: { Labels: Record<string, string>; Env: string[] };
      HostConfig: { RestartPolicy: { Name: string } };
    }>;
    expect(inspected[0].Config.Labels.team).toBe("shop");
    expect(inspected[0].Config.Env).toEqual(expect.arrayContaining(["TAG=1", "STAGE=dev"]));
    expect(inspected[0].HostConfig.RestartPolicy.Name).toBe("unless-stopped");

    // AND the prod stage changes the web services' environment, and only theirs
    const diff = dsl(["diff", "--stage", "prod", file]);
    expect(diff.code).toBe(0);
    for (const s of ["blue-web", "green-web"]) expect(diff.stdout).toMatch(new RegExp(`~ service +${s} +recreate: .*environment\\.TAG "1" → "2"`));
    for (const s of ["blue-db", "green-db"]) expect(diff.stdout).toMatch(new RegExp(`~ service +${s} +recreate: environment\\.STAGE "dev" → "prod"`));

    // AND destroy removes every container of the project
    expect(dsl(["destroy", "--yes", file]).code).toBe(0);
    expect((await snapshot(fx.docker, project)).containers).toEqual([]);
  });
});
