/** The redactor every output passes through, and the stack texts it is given. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { maskGraph, MIN_REDACTED_LENGTH, Redactor, stackSecrets } from "../src";
import { graphOf, loc, svc } from "./fixtures/synth/graphs";

describe("Redactor", () => {
  test("replaces every occurrence of every value, a value that contains another whole", () => {
    const r = new Redactor();
    r.add(["hunter2", "hunter2-long-secret"]);
    expect(r.redact("a hunter2 b hunter2-long-secret c hunter2")).toBe("a (sensitive) b (sensitive) c (sensitive)");
  });

  test("finds a value in the forms output gives it: trimmed, line by line, JSON-escaped", () => {
    const r = new Redactor();
    r.add(["  file-secret\n", 'line-one\nline "two"']);
    expect(r.redact("got file-secret")).toBe("got (sensitive)");
    expect(r.redact("log: line-one")).toBe("log: (sensitive)");
    expect(r.redact(JSON.stringify({ v: 'line-one\nline "two"' }))).toBe('{"v":"(sensitive)"}');
  });

  test("leaves values too short to find in free text alone, and regex characters are literal", () => {
    const r = new Redactor();
    r.add(["no", "x".repeat(MIN_REDACTED_LENGTH - 1), "a.b*c"]);
    expect(r.size).toBe(1);
    expect(r.redact("no xxx a.b*c aXbbc")).toBe("no xxx (sensitive) aXbbc");
  });

  test("redacts bytes without decoding them: binary output stays byte for byte, UTF-8 values are found", () => {
    const r = new Redactor();
    r.add(["pässwort"]);
    const binary = Buffer.from([0xff, 0x00, 0xc3]);
    expect(r.redactBytes(binary)).toBe(binary);
    const out = r.redactBytes(Buffer.concat([binary, Buffer.from("=pässwort")]));
    expect(out.equals(Buffer.concat([binary, Buffer.from("=(sensitive)")]))).toBe(true);
  });
});

describe("Redactor.redactDocument and redactValue: values only, never keys", () => {
  const doc = `# project: p (hunter2 in a comment)
services:
  web:
    image: nginx
    command: ["run", "--pw=hunter2"]
    environment:
      A: a
      B: "hunter2"
      C: |
        first hunter2
        second
    secrets:
      - a
secrets:
  a:
    file: ./hunter2.txt
`;

  test("a value that is a secret whole, however short, is masked; a longer one inside a value is replaced; keys, names and comments' structure stay", () => {
    const r = new Redactor();
    r.add(["hunter2", "a", "secrets"]);
    const out = r.redactDocument(doc);
    expect(out).toBe(`# project: p ((sensitive) in a comment)
services:
  web:
    image: nginx
    command: ["run", "--pw=(sensitive)"]
    environment:
      A: a
      B: "(sensitive)"
      C: "first (sensitive)\\nsecond\\n"
    secrets:
      - a
secrets:
  a:
    file: "./(sensitive).txt"
`);
  });

  test("a JSON value: strings masked, keys and the names of the objects kept", () => {
    const r = new Redactor();
    r.add(["secret", "x"]);
    expect(r.redactValue({ secrets: { x: { file: "secret" } }, services: { web: { secrets: ["x"], env: { K: "x", L: "a-secret-b" } } } })).toEqual({
      secrets: { x: { file: "(sensitive)" } },
      services: { web: { secrets: ["x"], env: { K: "x", L: "a-(sensitive)-b" } } },
    });
    expect(r.redactValue({ v: "x", n: 1 })).toEqual({ v: "(sensitive)", n: 1 });
  });

  test("a text that is not a document is redacted as text", () => {
    const r = new Redactor();
    r.add(["hunter2"]);
    expect(r.redactDocument("a: [hunter2\n")).toBe("a: [(sensitive)\n");
  });
});

describe("stackSecrets and maskGraph", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-redact-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, "pw.txt"), "from-file\n");
  const graph = graphOf("p", {
    services: {
      web: svc("web", { image: "x", environment: { PW: "env-value", LOG: "info" }, sensitive: ["environment.PW"] }),
    },
    secrets: {
      file: { name: "file", location: loc(2), file: "./pw.txt" },
      fromEnv: { name: "fromEnv", location: loc(3), environment: "TOKEN" },
      gone: { name: "gone", location: loc(4), file: "./missing.txt" },
    },
    configs: {
      secret: { name: "secret", location: loc(5), content: "conf-value", sensitive: true },
      plain: { name: "plain", location: loc(6), content: "plain-value" },
    },
  });

  test("stackSecrets lists sensitive values, sensitive config contents and the contents of the secrets (files read, variables looked up)", () => {
    expect(stackSecrets(graph, { dir, env: { TOKEN: "token-value" } }).sort()).toEqual(["conf-value", "env-value", "from-file\n", "token-value"]);
  });

  test("maskGraph shows (sensitive) for exactly the sensitive values", () => {
    const masked = maskGraph(graph);
    expect(masked.services.web.environment).toEqual({ PW: "(sensitive)", LOG: "info" });
    expect(masked.configs.secret.content).toBe("(sensitive)");
    expect(masked.configs.plain.content).toBe("plain-value");
    expect(graph.services.web.environment?.PW).toBe("env-value");
  });
});
