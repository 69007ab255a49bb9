/** `dsl synth`'s flags for sensitive values, through the real binary: references, an env file, or the values on request. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { composeConfig } from "../../runtime/test/helpers/compose-oracle";
import { dsl } from "./helpers";

const STACK = `import { Service, Stack, env, sensitive } from "@berth/dsl";
const stack = new Stack("flags");
new Service("db", { image: "postgres:16", environment: { POSTGRES_PASSWORD: sensitive(env("DB_PASSWORD")), POSTGRES_DB: "app" } });
export default stack;
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-synth-flags-"));
  fs.writeFileSync(path.join(dir, "stack.ts"), STACK);
  fs.writeFileSync(path.join(dir, "plain.ts"), `import { Service } from "@berth/dsl";\nnew Service("web", { image: "nginx:1.27" });\n`);
  fs.mkdirSync(path.join(dir, "deploy"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => dsl(args, { cwd: dir, env: { DB_PASSWORD: "s3cret-value" } });

test("--write-env-file writes the values (0600, a header saying not to commit it) and names the file, relative to the output, under env_file:", () => {
  const res = run(["synth", "-o", "deploy/compose.yml", "--write-env-file", "deploy/secrets.env"]);
  expect(res.code).toBe(0);
  expect(res.stderr).toBe('wrote deploy/secrets.env (environment of service "db"; sensitive: do not commit it)\nwrote deploy/compose.yml (1 service)\n');
  const compose = fs.readFileSync(path.join(dir, "deploy/compose.yml"), "utf8");
  expect(compose).toContain("    environment:\n      POSTGRES_DB: app\n    env_file:\n      - ./secrets.env\n");
  expect(compose).not.toContain("s3cret-value");
  const envFile = path.join(dir, "deploy/secrets.env");
  expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(envFile, "utf8")).toMatch(/^# .*\n# Do not commit this file.*\nPOSTGRES_PASSWORD='s3cret-value'\n$/);
});

test("--inline-sensitive prints the values, with a warning; the two flags exclude each other", () => {
  const inline = run(["synth", "--inline-sensitive"]);
  expect(inline.stdout).toContain("POSTGRES_PASSWORD: s3cret-value");
  expect(inline.stderr).toContain("warning: --inline-sensitive: the output holds the stack's sensitive values in clear; do not commit it");
  const both = run(["synth", "--inline-sensitive", "--write-env-file", "x.env"]);
  expect(both.code).toBe(1);
  expect(both.stderr).toBe("error: --write-env-file and --inline-sensitive exclude each other; pick one\n");
});

test("a stack without sensitive values writes no env file, and says so", () => {
  const res = run(["synth", "plain.ts", "--write-env-file", "none.env"]);
  expect(res.code).toBe(0);
  expect(res.stderr).toBe("the stack has no sensitive values: none.env not written\n");
  expect(fs.existsSync(path.join(dir, "none.env"))).toBe(false);
});

describe("the redactor masks values, never a compose file's keys or references", () => {
  /** Synthesizes a stack whose secret "token" holds `content`, to stdout and to a file (not redacted). */
  function synthBoth(content: string) {
    const sub = fs.mkdtempSync(path.join(dir, "words-"));
    fs.writeFileSync(path.join(sub, "token.txt"), content);
    fs.writeFileSync(
      path.join(sub, "stack.ts"),
      `import { Secret, Service, Stack } from "@berth/dsl";
const stack = new Stack("words");
const token = new Secret("token", { file: "./token.txt" });
new Service("web", { image: "nginx:1.27", secrets: [token], environment: { LEAK: ${JSON.stringify(content)}, INSIDE: ${JSON.stringify(`x-${content}-y`)} } });
export default stack;
`,
    );
    const printed = dsl(["synth"], { cwd: sub });
    // The masked values are named by line: the output shown is not the file.
    const lines = printed.stdout.split("\n").flatMap((l, i) => (l.includes("(sensitive)") ? [i + 1] : []));
    expect(printed.stderr).toBe(
      lines.length
        ? `warning: ${lines.length === 1 ? "a value" : `${lines.length} values`} shown as (sensitive) on line${lines.length === 1 ? "" : "s"} ${lines.join(", ")}: each holds or equals a sensitive value of the stack, so this output is not the file -o writes (give a sensitive value one no other setting has, or mark that setting sensitive)\n`
        : "",
    );
    expect(printed.code).toBe(0);
    expect(dsl(["synth", "-o", "compose.yml"], { cwd: sub }).code).toBe(0);
    const clear = YAML.parse(fs.readFileSync(path.join(sub, "compose.yml"), "utf8")) as unknown;
    const shown = YAML.parse(printed.stdout) as unknown;
    // The same document: the same keys in the same places.
    expect(shape(shown)).toEqual(shape(clear));
    const read = composeConfig(printed.stdout, { project: "words", cwd: sub }) as { services: Record<string, { secrets: unknown[] }> };
    expect(Object.keys(read.services)).toEqual(["web"]);
    expect(JSON.stringify(read.services.web.secrets)).toContain('"token"');
    return { shown, clear };
  }

  // A secret's content that is also a word of the compose format (`secrets:`, `services:`), or one letter.
  test.each(["secret", "a", "services"])("a secret whose content is %j: compose accepts the printed file, and no value is the content", (content) => {
    const { shown } = synthBoth(content);
    expect(scalars(shown)).not.toContain(content);
    if (content.length >= 4) expect(scalars(shown).filter((v) => v.includes(content))).toEqual([]);
    expect(shown).toMatchObject({ services: { web: { environment: { LEAK: "(sensitive)" } } } });
  });

  test("a secret whose content equals the image by chance: masked (nothing tells it from a leak), and the warning names its line", () => {
    const { shown } = synthBoth("nginx:1.27");
    expect(shown).toMatchObject({ services: { web: { image: "(sensitive)" } } });
  });

  test("a secret whose content is its own name: the reference to it stays (the name is a key of the file anyway)", () => {
    const { shown } = synthBoth("token");
    expect(shown).toMatchObject({ services: { web: { secrets: ["token"], environment: { LEAK: "token", INSIDE: "x-(sensitive)-y" } } } });
  });
});

/** The keys of a document, and where they are, with every value a placeholder. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

/** Every scalar value (not key) of a document, as text. */
function scalars(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(scalars);
  if (v !== null && typeof v === "object") return Object.values(v).flatMap(scalars);
  return [String(v)];
}
