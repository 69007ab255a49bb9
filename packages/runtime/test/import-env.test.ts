/**
 * Import keeps what the compose file reads from the environment as env() reads, and writes no
 * value of the environment or of `.env` into stack.ts: `${TAG:-1.0}` → `env("TAG", "1.0")`,
 * a secret-looking key's `${DB_PASSWORD}` → `sensitive(env("DB_PASSWORD"))`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { importCompose, typecheck } from "../src";
import { cleanUp, roundTrip } from "./helpers/roundtrip";

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-import-env-")));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function imported(text: string, env: Record<string, string>, dotenv = ""): ReturnType<typeof importCompose> {
  fs.writeFileSync(path.join(dir, "compose.yml"), text);
  if (dotenv) fs.writeFileSync(path.join(dir, ".env"), dotenv);
  return importCompose(path.join(dir, "compose.yml"), { cwd: dir, env, project: "t" });
}

const SHOP = [
  "services:",
  "  web:",
  "    image: nginx:${TAG:-1.0}",
  "    command: echo $${NOT_READ} `date` ${GREETING}",
  "    environment:",
  "      DB_PASSWORD: ${DB_PASSWORD}",
  "      API_TOKEN: ${API_TOKEN:?ask ops for the token}",
  "      ADMIN_PASSWORD: inline-admin-pw",
  "      MODE: ${MODE-dev}",
  "      PLAIN: ${GREETING}",
].join("\n");
const DOTENV = "DB_PASSWORD=dotenv-pw-value\nGREETING=hello\n";

test("${VAR}, ${VAR:-default} and ${VAR:?message} become env() reads; secret-looking keys sensitive(env()); no value of .env or the environment is written", () => {
  const { code, inlineSecrets } = imported(SHOP, { API_TOKEN: "env-token-value" }, DOTENV);
  expect(code).toContain('import { Service, Stack, env, sensitive } from "@berth/dsl";');
  expect(code).toContain('image: `nginx:${env("TAG", "1.0")}`');
  expect(code).toContain('DB_PASSWORD: sensitive(env("DB_PASSWORD"))');
  expect(code).toContain('API_TOKEN: sensitive(env("API_TOKEN", { required: "ask ops for the token" }))');
  expect(code).toContain('PLAIN: env("GREETING")');
  // Written in the file itself: kept, but sensitive (and reported).
  expect(code).toContain('ADMIN_PASSWORD: sensitive("inline-admin-pw")');
  expect(inlineSecrets).toEqual(["services.web.environment.ADMIN_PASSWORD"]);
  // `${MODE-dev}` (unset only, not empty) is not what env() says: its value, as before.
  expect(code).toContain('MODE: "dev"');
  expect(code).toContain('command: `echo \\${NOT_READ} \\`date\\` ${env("GREETING")}`');
  for (const value of ["dotenv-pw-value", "env-token-value"]) expect(code).not.toContain(value);
});

test("a value that a literal of the file also spells keeps its literal: the link back would be a guess", () => {
  const { code } = imported("services:\n  web:\n    image: x\n    hostname: hello\n    environment:\n      A: ${GREETING}\n", {}, DOTENV);
  expect(code).toContain('A: "hello"');
  expect(code).not.toContain("env(");
});

test("the imported stack, beside the same .env, type-checks without @types/node and round-trips through docker-compose 1.29", async () => {
  fs.writeFileSync(path.join(dir, "compose.yml"), SHOP);
  const trip = await roundTrip(path.join(dir, "compose.yml"), { files: { ".env": DOTENV }, env: { API_TOKEN: "env-token-value" } });
  try {
    expect(trip.code).toContain('sensitive(env("DB_PASSWORD"))');
    expect(trip.synthesized).not.toContain("dotenv-pw-value");
    expect(trip.synthesized).toContain('DB_PASSWORD: "${DB_PASSWORD:?set DB_PASSWORD}"');
    expect(trip.roundTripped).toEqual(trip.original);
    const { diagnostics } = await typecheck(path.join(trip.dir, "stack.ts"), { cwd: trip.dir, cache: false });
    expect(diagnostics).toEqual([]);
  } finally {
    cleanUp(trip);
  }
});
