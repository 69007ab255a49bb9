/** The `dsl` binary: runs the CLI on the real process and sets the exit code. */
import { run } from "./cli";

// Stack traces of user code are mapped by the loader. Mapping our own bundle costs time on
// every construct's location capture, so it is on only for debugging.
if (process.env.BERTH_DEBUG) process.setSourceMapsEnabled?.(true);

run(process.argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`internal error: ${String(err)}\n`);
    process.exitCode = 2;
  },
);
