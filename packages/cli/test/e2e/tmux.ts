/**
 * A real pseudo-terminal for the interactive tests: `dsl` runs in a detached tmux session on a
 * private tmux server, the test types into it and reads its screen, as a user at a terminal would.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DSL } from "../helpers";

/** The oracle must be there: without tmux the terminal tests fail, loudly (they never skip). */
function requireTmux(): void {
  if (spawnSync("tmux", ["-V"]).status !== 0) throw new Error("tmux, the terminal these tests type into, is missing: apt-get install -y tmux (npm test does)");
}

export interface Terminal {
  /** Types keys (tmux key names: `Enter`, `C-c`), or literal text with `literal`. */
  keys(keys: readonly string[] | string, literal?: boolean): void;
  /** The visible screen, trailing blank lines dropped. */
  screen(): string;
  /** Resolves with the screen once `pattern` matches it; fails with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  resize(cols: number, rows: number): void;
  kill(): void;
}

/**
 * Runs `dsl args…` in a `cols`×`rows` terminal in `cwd`. When it exits the pane prints
 * `EXIT=<code>` and stays open, so that its last screen and exit code can be read.
 */
export function terminal(args: readonly string[], opts: { cwd: string; cols?: number; rows?: number; env?: Readonly<Record<string, string>> }): Terminal {
  requireTmux();
  // A socket of its own, removed again by kill(): tmux leaves the file behind when its server ends.
  const socket = path.join(os.tmpdir(), `berth-e2e-tmux-${randomBytes(4).toString("hex")}`);
  const tmux = (...a: string[]) => {
    const r = spawnSync("tmux", ["-S", socket, "-f", "/dev/null", ...a], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    if (r.status !== 0) throw new Error(`tmux ${a.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries(opts.env ?? {})
    .map(([k, v]) => `${k}=${quote(v)} `)
    .join("");
  const line = `${env}${[process.execPath, DSL, ...args].map(quote).join(" ")}; echo EXIT=$?; sleep 600`;
  tmux("new-session", "-d", "-s", "t", "-x", String(opts.cols ?? 100), "-y", String(opts.rows ?? 30), "-c", opts.cwd, line);
  const screen = () => tmux("capture-pane", "-p", "-t", "t").replace(/\n+$/, "");
  return {
    keys: (keys, literal) => void tmux("send-keys", "-t", "t", ...(literal ? ["-l"] : []), ...(typeof keys === "string" ? [keys] : keys)),
    screen,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (pattern.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`the screen did not show ${pattern} within ${timeoutMs} ms:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    resize: (cols, rows) => void tmux("resize-window", "-t", "t", "-x", String(cols), "-y", String(rows)),
    kill: () => {
      spawnSync("tmux", ["-S", socket, "kill-server"]);
      fs.rmSync(socket, { force: true });
    },
  };
}
