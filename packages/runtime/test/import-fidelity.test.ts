// Wall time: ~12–15 s (two round trips through docker-compose 1.29 config; the rest is pure).
/**
 * Import reads a compose file as docker-compose does: PyYAML's YAML 1.1 scalars (`08` and `1e3`
 * are strings, `.` is a path), `${…}` inside `.env`, depends_on cycles and aliases as compose
 * reports them. The oracle is Debian's docker-compose 1.29 (`config`).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { importCompose } from "@berth/runtime";
import { cleanUp, roundTrip } from "./helpers/roundtrip";

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-import-fidelity-")));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function compose(text: string, files: Record<string, string> = {}): string {
  const file = path.join(dir, "compose.yml");
  fs.writeFileSync(file, text);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return file;
}

test("GIVEN YAML 1.1 scalars PyYAML reads as strings WHEN imported THEN they stay strings, and synth(load(import(F))) reads as F", async () => {
  const file = compose(
    [
      "services:",
      "  app:",
      "    build: .",
      "    working_dir: .",
      "    environment:",
      "      MONTH: 08",
      "      EXP: 1e3",
      "      E1: x",
      "      DOT: .",
      "      OCTAL: 0755",
      "      SIXTY: 22:22",
      "      FLOAT: 1.5",
    ].join("\n"),
  );
  const { code } = importCompose(file, { cwd: dir, env: {}, project: "t" });
  expect(code).toContain(`build: { context: "." }`);
  expect(code).toContain(`workingDir: "."`);
  expect(code).toContain(`MONTH: "08", EXP: "1e3", E1: "x", DOT: ".", OCTAL: 493, SIXTY: 1342, FLOAT: 1.5`);
  const trip = await roundTrip(file);
  try {
    expect(trip.roundTripped).toEqual(trip.original);
  } finally {
    cleanUp(trip);
  }
});

test("${…} inside .env values expands from the environment and the lines above, as compose does", async () => {
  const file = compose("services:\n  web:\n    image: nginx:${REF}\n", { ".env": "X=ex\nREF=${X}-ref\nLIT='${X}'\n" });
  const trip = await roundTrip(file, { files: { ".env": "X=ex\nREF=${X}-ref\nLIT='${X}'\n" } });
  try {
    expect(trip.synthesized).toContain("image: nginx:ex-ref");
    expect(trip.roundTripped).toEqual(trip.original);
  } finally {
    cleanUp(trip);
  }
});

test("a depends_on cycle is compose's error, at the file's line", () => {
  const file = compose("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n    depends_on: [a]\n");
  expect(() => importCompose(file, { cwd: dir, env: {} })).toThrow("compose.yml: Circular dependency between b and a at services.a.depends_on (line 4)");
  const self = compose("services:\n  a:\n    image: x\n    depends_on: [a]\n");
  expect(() => importCompose(self, { cwd: dir, env: {} })).toThrow("compose.yml: A service can not depend on itself: a at services.a.depends_on (line 4)");
});

test("an alias without its anchor is the user's error at its line, not an internal one", () => {
  const file = compose("services:\n  web: *nope\n");
  let err: unknown;
  try {
    importCompose(file, { cwd: dir, env: {} });
  } catch (e) {
    err = e;
  }
  expect((err as Error).message).toBe("compose.yml: YAML error (line 2): Unresolved alias (the anchor must be set before the alias): nope");
  expect((err as { kind?: string }).kind).toBe("user");
});

test("an unset variable inside .env is an error at its line", () => {
  const file = compose("services:\n  web:\n    image: nginx:${REF}\n", { ".env": "REF=${NOPE}-ref\n" });
  expect(() => importCompose(file, { cwd: dir, env: {} })).toThrow(/^\.env: variable \$\{NOPE\} is not set .*\(line 1\)$/);
});

test("a relative bind source in Windows form is what compose makes of it on Linux: a folder so named in the project folder", async () => {
  // docker-compose 1.29 on Linux: `.\data` starts with ".", so it is a path, `<project>/.\data`; `..\up` is
  // `<project>/..\up` (no parent: the backslash is part of the name). `data\sub` is a volume's name.
  const file = compose(
    [
      "services:",
      "  app:",
      "    image: x",
      "    volumes:",
      "      - '.\\data:/data'",
      "      - '..\\up:/up:ro'",
      "      - '.cache:/cache'",
      "      - type: bind",
      "        source: '.\\rel\\deep'",
      "        target: /deep",
    ].join("\n"),
  );
  const { code } = importCompose(file, { cwd: dir, env: {}, project: "t" });
  expect(code).toContain(`{ type: "bind", source: "./.\\\\data", target: "/data" }`);
  expect(code).toContain(`{ type: "bind", source: "./..\\\\up", target: "/up", readOnly: true }`);
  expect(code).toContain(`{ type: "bind", source: "./.cache", target: "/cache" }`);
  expect(code).toContain(`{ type: "bind", source: "./.\\\\rel\\\\deep", target: "/deep", long: true }`);
  const trip = await roundTrip(file);
  try {
    expect(trip.roundTripped).toEqual(trip.original);
    expect(JSON.stringify(trip.original)).toContain(".\\\\data");
  } finally {
    cleanUp(trip);
  }
});
