/** `dsl run`: one-off containers of a service, as `docker compose run --no-deps`. */
import { BUSYBOX, describeEngine, dsl, PROJECT_LABEL, snapshot, useE2E, writeStack } from "./helpers";

describeEngine("dsl run", () => {
  const fx = useE2E();

  const stack = (project: string) =>
    writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("tool", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"], environment: { GREETING: "hello" }, ports: ["127.0.0.1:18301:8080"] });
export default stack;
`);

  test("runs a command in a new container of the service with its environment and network, streams its output and exits with its code; --rm leaves nothing", async () => {
    const project = fx.project("run");
    const file = stack(project);

    // before apply: the project's network is missing, and nothing is created
    const early = dsl(["-f", file, "run", "tool", "--", "true"]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`network "${project}_default" of service "tool" does not exist: run dsl apply first`);

    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const res = dsl(["-f", file, "run", "--rm", "-e", "EXTRA=x", "tool", "--", "sh", "-c", 'echo "$GREETING $EXTRA"; echo oops >&2; exit 3']);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe("hello x\n");
    expect(res.stderr).toBe("oops\n");
    const oneOffs = async () =>
      (await fx.docker(["ps", "-aq", "--filter", `label=${PROJECT_LABEL}=${project}`, "--filter", "label=com.docker.compose.oneoff=True"]))
        .split("\n")
        .filter(Boolean);
    expect(await oneOffs()).toEqual([]);

    // without --rm the one-off stays, on the project's network and without the service's published port; apply leaves it alone, destroy removes it
    const kept = dsl(["-f", file, "run", "tool", "--", "true"]);
    expect(kept.code).toBe(0);
    const [id] = await oneOffs();
    const info = JSON.parse(await fx.docker(["container", "inspect", id]))[0];
    expect(info.Name).toMatch(new RegExp(`^/${project}-tool-run-[0-9a-f]{12}$`));
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`${project}_default`]);
    expect(info.HostConfig.PortBindings ?? {}).toEqual({});
    expect(dsl(["apply", "--yes", file]).stdout).toMatch(/No changes/);
    expect(dsl(["destroy", "--yes", file]).code).toBe(0);
    expect(await snapshot(fx.docker, project)).toEqual({ containers: [], networks: [], volumes: [] });
  });

  test("an unknown service is an error naming the services", () => {
    const project = fx.project("runx");
    const res = dsl(["-f", stack(project), "run", "tol", "--", "true"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`project "${project}" has no service "tol" (services: tool)`);
  });
});
