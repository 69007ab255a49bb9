/**
 * Marker secrets for the "no output carries a sensitive value" tests: every sensitive value of
 * the stack is a unique marker, every command's stdout and stderr is recorded, and every file
 * Berth wrote is read, so one search for the marker covers all of them.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { dsl, type CliResult } from "../helpers";

/** A marker no other text contains, and the secret values made from it, one per source. */
export function markers() {
  const m = `mk${randomBytes(6).toString("hex")}`;
  return {
    marker: m,
    /** In the `.env` beside the stack, read with `env("DB_PASSWORD")`. */
    dotenv: `${m}-dotenv`,
    /** Written in stack.ts as `sensitive("…")`, as the example does. */
    literal: `${m}-literal`,
    /** The content of a secret's file. */
    file: `${m}-file`,
    /** A secret from the deployer's environment variable API_TOKEN. */
    envSecret: `${m}-envsecret`,
    /** A config's content, marked sensitive. */
    conf: `${m}-conf`,
  };
}

/** Files below `dir` (relative paths) with their modification time, to tell which ones a command wrote. */
function listing(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out.set(path.relative(dir, abs), fs.statSync(abs).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Runs `dsl` in a folder and remembers everything it printed and every file it wrote there. */
export class Recorder {
  private readonly texts: { what: string; text: string }[] = [];
  private readonly written = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly env: () => NodeJS.ProcessEnv,
    /** Files that may hold the values: the user's inputs and the opt-in env files. */
    private readonly exempt: (file: string) => boolean,
  ) {}

  /** `dsl args…` in the folder; records its output (`optIn`: only stderr) and the files it created or changed. */
  run(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}, { optIn = false } = {}): CliResult {
    const before = listing(this.dir);
    const res = dsl(args, { cwd: this.dir, env: { ...this.env(), ...extraEnv } });
    const what = `dsl ${args.join(" ")}`;
    if (!optIn) this.texts.push({ what: `${what} (stdout)`, text: res.stdout });
    this.texts.push({ what: `${what} (stderr)`, text: res.stderr });
    for (const [file, mtime] of listing(this.dir)) if (before.get(file) !== mtime && !this.exempt(file)) this.written.add(file);
    return res;
  }

  /** Also search `text` (e.g. what the engine shows about the containers). */
  record(what: string, text: string): void {
    this.texts.push({ what, text });
  }

  /** The files Berth wrote, relative to the folder. */
  get files(): string[] {
    return [...this.written].sort();
  }

  /** Every recorded output and written file that contains `marker`, with the line. */
  leaks(marker: string): string[] {
    const out: string[] = [];
    const scan = (what: string, text: string) => {
      for (const line of text.split("\n")) if (line.includes(marker)) out.push(`${what}: ${line}`);
    };
    for (const t of this.texts) scan(t.what, t.text);
    for (const f of this.files) if (fs.existsSync(path.join(this.dir, f))) scan(f, fs.readFileSync(path.join(this.dir, f), "utf8"));
    return out;
  }
}
