/**
 * Runs one command and measures it: wall time (from spawn to exit, in this process) and the
 * child's peak RSS (through GNU time's `%M` when /usr/bin/time exists, else null).
 * Every child gets its own process group so that an interrupt can end it with all its children.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const GNU_TIME = "/usr/bin/time";
export const hasGnuTime = existsSync(GNU_TIME);

/** Process groups of the children now running: the interrupt handler ends them. */
export const running = new Set();

export function killRunning(signal = "SIGTERM") {
  for (const pid of running) {
    try {
      process.kill(-pid, signal);
    } catch {
      /* gone already */
    }
  }
}

/** A command that takes longer is killed and fails the run (a hung docker-compose must not hang the bench). */
export const defaults = { timeoutMs: 600_000 };

let seq = 0;

/**
 * `measure("node", ["-e", "0"], { cwd, env })` → `{ ms, rssKb, stdout, stderr }`.
 * A non-zero exit rejects with the command and the tail of its output: the harness is broken then.
 */
export function measure(cmd, args, { cwd, env, timeoutMs = defaults.timeoutMs, input } = {}) {
  const rssFile = path.join(os.tmpdir(), `berth-bench-${process.pid}-${++seq}.rss`);
  const [file, argv] = hasGnuTime ? [GNU_TIME, ["-f", "%M", "-o", rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { cwd, env, detached: true, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    running.add(child.pid);
    const out = [];
    const err = [];
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => err.push(c));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      running.delete(child.pid);
      reject(e);
    });
    child.on("close", (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      running.delete(child.pid);
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      let rssKb = null;
      if (hasGnuTime) {
        try {
          const lines = readFileSync(rssFile, "utf8").trim().split("\n");
          rssKb = Number(lines[lines.length - 1]) || null;
        } catch {
          /* no report (killed) */
        }
        rmSync(rssFile, { force: true });
      }
      if (code !== 0) {
        const tail = (s) => s.trim().split("\n").slice(-15).join("\n");
        const why = signal ? `killed by ${signal}${ms >= timeoutMs ? ` after the ${Math.round(timeoutMs / 1000)} s timeout` : ""}` : `exit ${code}`;
        // The measurement rides along: a caller may keep it when the failure is the engine's, not the tool's.
        return reject(
          Object.assign(new Error(`${cmd} ${args.join(" ")} (${why}, cwd ${cwd ?? process.cwd()}):\n${tail(stderr)}\n${tail(stdout)}`), {
            result: { ms, rssKb, stdout, stderr, code, signal },
          }),
        );
      }
      resolve({ ms, rssKb, stdout, stderr });
    });
  });
}

/** Median, min and max of a list of numbers. */
export function stats(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}
