/**
 * The apply lock as a person meets it: `dsl ps` and the "locked by" error say who holds it and
 * for how long; `dsl unlock` removes a lock whose holder is gone, and one whose holder Berth
 * cannot see (another host) only with --force. Against the private test engine. Wall time ≈ 5 s.
 */
import * as os from "node:os";
import { BUSYBOX, describeEngine, dsl, lockVolumes, useE2E, writeStack } from "./helpers";

describeEngine("dsl unlock", () => {
  const fx = useE2E();

  const lockVolume = (project: string, token: string, host: string, pid: number, since: Date) =>
    fx.docker([
      "volume",
      "create",
      ...["--label", `dev.berth.lock.project=${project}`],
      ...["--label", `dev.berth.lock.holder=dsl apply (pid ${pid} on ${host}, since ${since.toISOString()})`],
      ...["--label", `dev.berth.lock.pid=${pid}`, "--label", `dev.berth.lock.host=${host}`, "--label", `dev.berth.lock.since=${since.toISOString()}`],
      `berth-lock-${project}.${token}`,
    ]);

  test("a lock held on another host: named with its age by ps and apply; unlock keeps it unless --force; then apply works", async () => {
    const project = fx.project("unlock");
    const file = writeStack(
      `import { Service, Stack } from "@berth/dsl";\nconst s = new Stack(${JSON.stringify(project)});\nnew Service("web", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true });\nexport default s;\n`,
    );
    await lockVolume(project, "aaaaaaaaaaaa", "ci-runner-7", 4242, new Date(Date.now() - 95_000));

    expect(dsl(["-f", file, "ps"]).stdout).toMatch(/^Locked by dsl apply \(pid 4242 on ci-runner-7, since .*\), held for 1m3\ds$/m);
    const apply = dsl(["apply", "--yes", file]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(
      /is locked by dsl apply \(pid 4242 on ci-runner-7, since .*\), held for 1m3\ds; wait for it to finish \(or pass --lock-timeout 60s to wait here\)/,
    );

    const kept = dsl(["-f", file, "unlock"]);
    expect(kept.code).toBe(1);
    expect(kept.stdout).toContain(`! kept berth-lock-${project}.aaaaaaaaaaaa: dsl apply (pid 4242 on ci-runner-7`);
    expect(kept.stderr).toContain("on ci-runner-7, where Berth cannot see whether it is alive); if you are sure it is not, pass --force");
    expect(await lockVolumes(fx.run, project)).toHaveLength(1);

    const forced = dsl(["-f", file, "unlock", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("✓ removed");
    expect(await lockVolumes(fx.run, project)).toEqual([]);
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
  });

  test("a lock whose holder was a process of this host that is gone is removed without --force", async () => {
    const project = fx.project("stale");
    await lockVolume(project, "bbbbbbbbbbbb", os.hostname(), 999_999, new Date());
    const res = dsl(["-p", project, "unlock"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("(its process is gone)");
    expect(await lockVolumes(fx.run, project)).toEqual([]);
  });
});
