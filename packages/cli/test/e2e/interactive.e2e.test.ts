/**
 * `dsl exec` and `dsl run` as a person at a terminal uses them: typed into a shell in the
 * container through a real pseudo-terminal (tmux), Ctrl-C, window resizes, exit codes; and as a
 * script uses them (piped stdin, streamed output, -u/-w/-e, --index). Against the private test
 * engine. Wall time ≈ 10 s (20 s on a loaded machine).
 */
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, useE2E, writeStack } from "./helpers";
import { terminal, type Terminal } from "./tmux";

describeEngine("interactive dsl exec and dsl run", () => {
  const fx = useE2E();
  const project = fx.project("tty");
  const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("web", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"], deploy: { replicas: 2 } });
export default stack;
`);
  const cwd = path.dirname(file);
  const terminals: Terminal[] = [];
  const open = (args: string[], size?: { cols: number; rows: number }) => {
    const t = terminal(args, { cwd, ...size });
    terminals.push(t);
    return t;
  };

  beforeAll(() => {
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
  }, 60_000);
  afterAll(() => terminals.forEach((t) => t.kill()));

  test("a shell typed into through a terminal answers on the screen, follows a window resize, and its exit code is dsl's", async () => {
    const t = open(["exec", "-it", "web", "--", "sh"], { cols: 100, rows: 30 });
    await t.waitFor(/^\/ #$/m);
    t.keys("echo $((6*7))", true);
    t.keys("Enter");
    await t.waitFor(/^42$/m);
    t.keys("stty size", true);
    t.keys("Enter");
    await t.waitFor(/^30 100$/m);
    t.resize(80, 20);
    await new Promise((r) => setTimeout(r, 300));
    t.keys("stty size", true);
    t.keys("Enter");
    await t.waitFor(/^20 80$/m);
    t.keys("exit 5", true);
    t.keys("Enter");
    await t.waitFor(/^EXIT=5$/m);
  });

  test("Ctrl-C reaches the command, not dsl: it ends with 130 and the container keeps running", async () => {
    const t = open(["exec", "-it", "web", "--", "sleep", "100"]);
    // sleep prints nothing: wait until the exec is there before pressing Ctrl-C
    const deadline = Date.now() + 15_000;
    while (!(await fx.docker(["top", `${project}-web-1`])).includes("sleep 100")) {
      if (Date.now() > deadline) throw new Error("the exec did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    t.keys("C-c");
    await t.waitFor(/EXIT=130$/m);
    expect(await fx.docker(["inspect", "-f", "{{.State.Running}}", `${project}-web-1`])).toBe("true");
  });

  test("dsl run -it gives a one-off container a terminal; --rm removes it afterwards", async () => {
    const t = open(["run", "--rm", "-it", "web", "--", "sh"]);
    await t.waitFor(/^\/ #$/m);
    t.keys("tty; echo $((6*7))", true);
    t.keys("Enter");
    await t.waitFor(/^\/dev\/pts\/\d+\n42$/m);
    t.keys("exit 7", true);
    t.keys("Enter");
    await t.waitFor(/^EXIT=7$/m);
    expect(await fx.docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`, "--filter", "label=com.docker.compose.oneoff=True"])).toBe(
      "",
    );
  });

  test("without a terminal: the command's exit code, its stdout and stderr apart, no TTY", () => {
    const res = dsl(["-f", file, "exec", "web", "--", "sh", "-c", "exit 3"]);
    expect(res.code).toBe(3);
    const out = dsl(["-f", file, "exec", "web", "--", "sh", "-c", "[ -t 1 ] && echo tty || echo notty; echo oops >&2"]);
    expect(out).toEqual({ code: 0, stdout: "notty\n", stderr: "oops\n" });
  });

  test("-i sends piped stdin to the command; -u, -w, -e and --index pick the user, directory, environment and replica", () => {
    expect(dsl(["-f", file, "exec", "-i", "web", "--", "wc", "-l"], { input: "a\nb\nc\n" }).stdout.trim()).toBe("3");
    const res = dsl([
      "-f",
      file,
      "exec",
      "--index",
      "2",
      "-u",
      "nobody",
      "-w",
      "/tmp",
      "-e",
      "GREETING=hi",
      "web",
      "--",
      "sh",
      "-c",
      'echo "$(hostname) $(id -un) $PWD $GREETING"',
    ]);
    expect(res.code).toBe(0);
    const host2 = dsl(["-f", file, "exec", "--index", "2", "web", "--", "hostname"]).stdout.trim();
    expect(res.stdout).toBe(`${host2} nobody /tmp hi\n`);
    const host1 = dsl(["-f", file, "exec", "web", "--", "hostname"]).stdout.trim();
    expect(host1).not.toBe(host2);
    const missing = dsl(["-f", file, "exec", "--index", "3", "web", "--", "true"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`service "web" of project "${project}" has no container #3 (containers: #1, #2)`);
  });

  test("dsl run streams a one-off's output and exits with its code; piped stdin reaches it with -i", () => {
    const res = dsl(["-f", file, "run", "--rm", "-i", "web", "--", "sh", "-c", "cat; exit 4"], { input: "piped\n" });
    expect(res).toMatchObject({ code: 4, stdout: "piped\n" });
  });
});
