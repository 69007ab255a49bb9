/**
 * Test-only fault injection, for the crash-safety tests (packages/cli/test/e2e/faults.e2e.test.ts).
 * Never set these outside the tests.
 *
 * - `BERTH_FAULT_KILL_AFTER=N`: the process kills itself with SIGKILL right after its Nth engine
 *   API call has returned (whatever the call did on the engine has happened; nothing after it).
 * - `BERTH_FAULT_CALLS=<file>`: at exit, the process writes how many engine API calls it made.
 *
 * Read once, when the engine client loads; otherwise a counter increment per call.
 */
import * as fs from "node:fs";

const killAfter = Number(process.env.BERTH_FAULT_KILL_AFTER ?? 0);
const countFile = process.env.BERTH_FAULT_CALLS;
let calls = 0;

if (countFile) process.once("exit", () => fs.writeFileSync(countFile, String(calls)));

/** Called by the client after every engine API call. */
export function afterEngineCall(): void {
  calls++;
  if (killAfter > 0 && calls >= killAfter) process.kill(process.pid, "SIGKILL");
}
