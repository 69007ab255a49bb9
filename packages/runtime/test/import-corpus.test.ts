/**
 * The import contract on real-world files: every compose file under
 * `shared/corpus/awesome-compose/` (a file dropped there is covered automatically) imports,
 * and synth(load(import(F))) reads back, through docker-compose 1.29, as F itself does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { typecheck } from "@berth/runtime";
import { sharedDir } from "./helpers/compose-oracle";
import { cleanUp, roundTrip } from "./helpers/roundtrip";

const corpus = path.join(sharedDir(), "corpus/awesome-compose");

/** Every compose file under the corpus folder, at any depth. */
function composeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return composeFiles(p);
    return /^(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Values for the variables a corpus file uses without a default (tests, like users, provide a .env). */
const STAND_IN_ENV: Readonly<Record<string, string>> = { TIMEZONE: "Etc/UTC", VPN_SERVER_URL: "vpn.example.com" };

const files = composeFiles(corpus);

test("the corpus is there (22 files at the time of writing)", () => {
  expect(files.length).toBeGreaterThanOrEqual(22);
});

describe.each(files.map((f) => [path.relative(corpus, f), f]))("%s", (_name, file) => {
  test("imports, type-checks with zero diagnostics, and synth(load(import(F))) is what docker-compose 1.29 reads from F", async () => {
    const trip = await roundTrip(file, { env: STAND_IN_ENV });
    try {
      const { diagnostics } = await typecheck(path.join(trip.dir, "stack.ts"), { cwd: trip.dir, cache: false });
      expect(diagnostics).toEqual([]);
      expect(trip.code).not.toMatch(/\bany\b/);
      expect(trip.roundTripped).toEqual(trip.original);
    } finally {
      cleanUp(trip);
    }
  });
});
