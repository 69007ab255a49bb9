/**
 * Zero-downtime rollouts on one engine (`deploy.updateConfig.order: "start-first"`): a probe
 * inside the stack's network asks `http://web/` by name every 50 ms (each request may take 5 s)
 * while a 2-replica `web` with a healthcheck rolls out a new environment. What the engine leaves
 * (README, "Rollouts without downtime"): a request that resolves a new container in the instant
 * before its process listens, or the old one in the instant before it leaves DNS, fails — about
 * one rollout in three loses one request here. So the test rolls out four times and allows one
 * failed request per rollout on average. A rollout whose new container never becomes healthy fails
 * (exit 1) within its bounded time, and the old containers keep serving, alone. Against the
 * private test engine. Wall time ≈ 45 s.
 */
import { BUSYBOX, describeEngine, dsl, useE2E, writeStack } from "./helpers";

/** web serves its VERSION; healthy while it serves something other than "broken". */
function stack(project: string): string {
  return `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const order = (process.env.ORDER ?? "start-first") as "start-first" | "stop-first";
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  command: ["sh", "-c", "mkdir -p /www && echo $VERSION > /www/index.html && exec httpd -f -p 80 -h /www"],
  environment: { VERSION: process.env.VERSION ?? "one" },
  init: true,
  stopGracePeriod: "2s",
  healthcheck: { test: "busybox timeout 1 wget -q -O- http://127.0.0.1/ | grep -qv broken", interval: "500ms", retries: 2 },
  deploy: { replicas: 2, updateConfig: { order, parallelism: 1 } },
});
new Service("probe", {
  image: ${JSON.stringify(BUSYBOX)},
  command: ["sh", "-c", "while true; do if v=$(busybox timeout 5 wget -q -O- http://web/); then echo ok $v; else echo fail; fi; usleep 50000; done"],
  init: true,
});
export default stack;
`;
}

describeEngine("rollouts on one engine", () => {
  const fx = useE2E();

  /**
   * The probe's results since `since` (unix seconds): its stdout, one `ok <version>` or `fail` per
   * request, in order (what busybox's timeout prints on stderr, "Terminated", is not a result).
   */
  async function probe(project: string, since: number): Promise<string[]> {
    return (await probeTimed(project, since)).map((a) => a.line);
  }

  /** The same, each answer with the time (ms) the engine logged it. */
  async function probeTimed(project: string, since: number): Promise<{ at: number; line: string }[]> {
    const out = await fx.run("docker", ["logs", "--timestamps", "--since", String(since), `${project}-probe-1`]);
    return out.stdout
      .split("\n")
      .map((l) => ({ at: Date.parse(l.slice(0, l.indexOf(" "))), line: l.slice(l.indexOf(" ") + 1) }))
      .filter((a) => a.line === "fail" || a.line.startsWith("ok "));
  }

  test("start-first: a probe asking web/ by name every 50 ms during four rollouts of 2 replicas loses at most one request per rollout", async () => {
    const project = fx.project("roll");
    const file = writeStack(stack(project));
    expect(dsl(["apply", "--yes", file], { env: { VERSION: "v0" } }).code).toBe(0);
    const diff = dsl(["diff", file], { env: { VERSION: "v1" } });
    expect(diff.stdout).toContain("recreate 2 (rolling, start-first, 1 at a time, waits for healthy)");
    const failed: number[] = [];
    for (let i = 1; i <= 4; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      const since = Math.floor(Date.now() / 1000);
      const t0 = Date.now();
      const res = dsl(["apply", "--yes", file], { env: { VERSION: `v${i}` } });
      const t1 = Date.now();
      expect(res.stderr).toBe("");
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`… waiting for ${project}-web-1 to be healthy`);
      // The probe answers with the new version (within its 5 s request bound: one request may be
      // hanging on an address that went away), and only the new one from then on.
      let answers: { at: number; line: string }[] = [];
      for (let t = 0; t < 80 && answers[answers.length - 1]?.line !== `ok v${i}`; t++) {
        await new Promise((r) => setTimeout(r, 100));
        answers = await probeTimed(project, since);
      }
      const lines = answers.map((a) => a.line);
      const shown = `probe during rollout ${i} (apply ran ${t1 - t0} ms):\n${answers.map((a) => `${a.at - t0} ms ${a.line}`).join("\n")}`;
      expect({ last: lines[lines.length - 1], shown }).toEqual({ last: `ok v${i}`, shown });
      // The probe asked while apply rolled out (~60 requests on a quiet machine, a handful on a
      // loaded one): the old version answered during the apply, then the new one; a count of
      // zero failures means nothing if the probe slept through the switch.
      const during = answers.filter((a) => a.at >= t0 && a.at <= t1);
      expect({ during: during.length >= 2, oldAnswered: lines.includes(`ok v${i - 1}`), shown }).toEqual({ during: true, oldAnswered: true, shown });
      failed.push(lines.filter((l) => l === "fail").length);
    }
    const total = failed.reduce((a, b) => a + b, 0);
    if (total > failed.length)
      throw new Error(`${total} requests failed in ${failed.length} rollouts (per rollout: ${failed.join(", ")}); at most ${failed.length} allowed`);
  }, 180_000);

  test("a new container that never becomes healthy: exit 1 within the wait timeout, naming it; the old ones serve on, alone", async () => {
    const project = fx.project("broken");
    const file = writeStack(stack(project));
    expect(dsl(["apply", "--yes", file], { env: { VERSION: "good" } }).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    const since = Math.floor(Date.now() / 1000);
    const t0 = Date.now();
    const res = dsl(["apply", "--yes", "--wait-timeout", "20s", file], { env: { VERSION: "broken" } });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`container ${project}-web-1 is unhealthy: the last check exited 1 with no output.*rolled back`, "s"));
    await new Promise((r) => setTimeout(r, 1000));
    const lines = await probe(project, since);
    // While it was starting, the new container was in DNS too: it served "broken" (its own
    // business); no more than its two instants (start, removal) failed, and once apply returned
    // only the old ones answer.
    expect(lines.filter((l) => l === "fail").length).toBeLessThanOrEqual(2);
    // From now on, six answers in a row, all from the old ones. The probe asks one request at a
    // time: the first answer logged from now on may come from a request made before the rollback
    // ended (hanging up to its 5 s bound on the removed container); every later one was made after.
    const from = Math.ceil(Date.now() / 1000);
    let after: string[] = [];
    for (let t = 0; t < 150 && after.length < 7; t++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await probe(project, from);
    }
    expect(after.length).toBeGreaterThan(6);
    expect(after.slice(1).filter((l) => l !== "ok good")).toEqual([]);
    // That first one counts with the rollout's: no more than its two instants failed in all.
    expect(lines.filter((l) => l === "fail").length + (after[0] === "fail" ? 1 : 0)).toBeLessThanOrEqual(2);
    const names = (await fx.docker(["ps", "--filter", `label=com.docker.compose.project=${project}`, "--format", "{{.Names}}"])).split("\n").sort();
    expect(names).toEqual([`${project}-probe-1`, `${project}-web-1`, `${project}-web-2`]);
  }, 120_000);
});
