/**
 * Progress as a user sees it, in its three forms, on an apply that waits ~3 s for a healthy db:
 * on a real terminal (tmux) a live line per resource at work, updated in place with its elapsed
 * time and gone when the apply ends; through a pipe the same milestones as plain lines, no escape
 * codes; with `--json` one JSON object per line, the result last; Ctrl-C's message is not drawn
 * over. Against the private test engine. Wall time ≈ 35 s.
 */
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, useE2E, writeStack } from "./helpers";
import { terminal, type Terminal } from "./tmux";

describeEngine("progress of an apply", () => {
  const fx = useE2E();
  const project = fx.project("prog");
  const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const db = new Service("db", {
  image: ${JSON.stringify(BUSYBOX)},
  command: ["sh", "-c", "sleep 3; touch /ok; exec sleep 3600"],
  init: true,
  healthcheck: { test: "test -f /ok", interval: "500ms", retries: 30 },
  environment: { RUN: process.env.RUN ?? "1" },
});
new Service("web", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, dependsOn: [{ service: db, condition: "healthy" }] });
export default stack;
`);
  const cwd = path.dirname(file);
  let t: Terminal | undefined;
  afterEach(() => {
    t?.kill();
    t = undefined;
    expect(dsl(["destroy", "--yes", file]).code).toBe(0);
  });

  test("on a terminal: one live line for the wait, its elapsed time counting up in place; finished lines stay, the live one goes", async () => {
    t = terminal(["apply", "--yes"], { cwd, cols: 120, rows: 40 });
    const live = /^ {2}\S service db waiting for db to be healthy (\d+\.\d)s$/m;
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    let screen = "";
    while (!/^EXIT=/m.test(screen) && Date.now() < deadline) {
      screen = t.screen();
      const lines = screen.split("\n").filter((l) => live.test(l));
      // In place: never two copies of the live line on the screen.
      expect(lines.length).toBeLessThanOrEqual(1);
      if (lines.length) seen.add(live.exec(lines[0])?.[1] ?? "");
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(screen).toMatch(/^EXIT=0$/m);
    expect(seen.size).toBeGreaterThanOrEqual(3);
    const times = [...seen].map(Number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(screen).toMatch(new RegExp(`^  ✓ service db ${project}-db-1 created \\d+\\.\\ds$`, "m"));
    expect(screen).toMatch(/^ {2}✓ service db ready \(healthy\) \d+\.\ds$/m);
    expect(screen).toMatch(/^Apply complete: 3 added, 0 changed, 0 removed in/m);
    expect(screen).not.toMatch(/waiting for db/);
  }, 60_000);

  test("on a terminal: Ctrl-C's message mid-wait stays on the screen, above the live line, which is not drawn twice", async () => {
    t = terminal(["apply", "--yes"], { cwd, cols: 120, rows: 40 });
    const live = /^ {2}\S service db waiting for db to be healthy \d+\.\ds$/m;
    const deadline = Date.now() + 30_000;
    while (!live.test(t.screen()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    t.keys("C-c");
    const interrupted = /^interrupted: finishing the steps under way/m;
    let screen = "";
    while (!/^EXIT=/m.test(screen) && Date.now() < deadline) {
      screen = t.screen();
      if (interrupted.test(screen)) {
        // The message is above the live line (it went above the block), and the block is drawn once.
        const lines = screen.split("\n");
        const at = lines.findIndex((l) => interrupted.test(l));
        expect(lines.filter((l) => live.test(l)).length).toBeLessThanOrEqual(1);
        expect(lines.slice(0, at).some((l) => live.test(l))).toBe(false);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(screen).toMatch(/^EXIT=\d+$/m);
    expect(screen).toMatch(interrupted);
    expect(screen).not.toMatch(/waiting for db/);
  }, 60_000);

  test("through a pipe: plain milestone lines, each once, with no escape codes", () => {
    const res = dsl(["apply", "--yes", file]);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain("\u001b");
    expect(res.stdout.split("\n").filter((l) => l === "  … waiting for db to be healthy")).toHaveLength(1);
    expect(res.stdout).toMatch(/^ {2}✓ service db ready \(healthy\) \d+\.\ds$/m);
  }, 60_000);

  test("with --json: one JSON object per line, every step's start and end, the result last", () => {
    const res = dsl(["--json", "apply", "--yes", file]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    const events = lines.map((l) => JSON.parse(l) as { event: string; status?: string; step?: { op: string }; action?: { id: string }; result?: string });
    expect(events.filter((e) => e.event === "step" && e.step?.op === "wait.containers").map((e) => e.status)).toEqual(["started", "done"]);
    expect(events.filter((e) => e.event === "action" && e.status === "done").map((e) => e.action?.id)).toEqual(
      expect.arrayContaining(["network:default", "service:db:1", "service:web:1"]),
    );
    expect(events[events.length - 1]).toMatchObject({ event: "result", result: "applied" });
    expect(events.filter((e) => e.event === "result")).toHaveLength(1);
  }, 60_000);
});
