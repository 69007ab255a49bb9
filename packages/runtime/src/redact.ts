/**
 * Keeping a stack's sensitive values out of everything Berth prints, by construction.
 *
 * Each stage already masks what it knows is sensitive (plans show `(sensitive)`, synth writes
 * references). The {@link Redactor} is the net under all of them, for an output boundary
 * (the CLI wraps its stdout and stderr in one): every text that passes is searched for every
 * sensitive value of the loaded stack, wherever it would otherwise slip through (an engine's
 * error message, a container's log line, a stack trace).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Graph } from "@berth/dsl";
import { SENSITIVE } from "./desired/spec";

/**
 * Values shorter than this are not searched for in free text: `1`, `no` or `app` occur
 * everywhere, and replacing them would garble every line. Where Berth knows the field (plans,
 * JSON, synth, the graph) such a value is masked all the same.
 */
export const MIN_REDACTED_LENGTH = 4;

/** Every form a value takes in output: as is, trimmed (a file's trailing newline), each line of a multi-line value, JSON-escaped. */
function forms(value: string): string[] {
  const out = new Set<string>([value, value.trim()]);
  for (const line of value.split(/\r?\n/)) out.add(line.trim());
  for (const v of [...out]) out.add(JSON.stringify(v).slice(1, -1));
  return [...out].filter((v) => v.length >= MIN_REDACTED_LENGTH);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces every known sensitive value in text or bytes with `(sensitive)`. Values only accumulate. */
export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;
  private bytePattern: RegExp | undefined;

  /** Adds values to redact from now on (each in every form it takes in output). */
  add(values: Iterable<string>): void {
    const before = this.values.size;
    for (const value of values) for (const form of forms(value)) this.values.add(form);
    if (this.values.size !== before) this.pattern = this.bytePattern = undefined;
  }

  /** How many texts are searched for. */
  get size(): number {
    return this.values.size;
  }

  /** `text` with every sensitive value replaced. */
  redact(text: string): string {
    if (this.values.size === 0) return text;
    this.pattern ??= this.compile((v) => v);
    return text.replace(this.pattern, SENSITIVE);
  }

  /** `bytes` with every sensitive value's UTF-8 bytes replaced; other bytes untouched (binary output stays binary). */
  redactBytes(bytes: Buffer): Buffer {
    if (this.values.size === 0) return bytes;
    // latin1 maps each byte to one char and back, so a byte search is a string search.
    this.bytePattern ??= this.compile((v) => Buffer.from(v, "utf8").toString("latin1"));
    const text = bytes.toString("latin1");
    const replaced = text.replace(this.bytePattern, SENSITIVE);
    return replaced === text ? bytes : Buffer.from(replaced, "latin1");
  }

  /** One alternation, longest value first, so a value that contains another is replaced whole. */
  private compile(encode: (v: string) => string): RegExp {
    const sorted = [...this.values].map(encode).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    return new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  }
}

/** What {@link stackSecrets} reads: where relative secret files are, and the deployer's environment. */
export interface StackSecretsOptions {
  /** The stack file's folder. */
  readonly dir: string;
  /** The deployer's environment (secrets and configs from variables). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Every text of a loaded stack that no output may carry: its sensitive environment values, its
 * sensitive config contents, and the contents of its secrets (from a variable, or from a file,
 * read here; an unreadable file adds nothing).
 */
export function stackSecrets(graph: Graph, options: StackSecretsOptions): string[] {
  const out: string[] = [];
  for (const spec of Object.values(graph.services)) {
    for (const p of spec.sensitive ?? []) {
      const value = p.startsWith("environment.") ? spec.environment?.[p.slice("environment.".length)] : undefined;
      if (typeof value === "string") out.push(value);
    }
  }
  for (const c of Object.values(graph.configs)) if (c.sensitive && c.content !== undefined) out.push(c.content);
  for (const s of Object.values(graph.secrets)) {
    if (s.environment !== undefined && options.env[s.environment] !== undefined) out.push(options.env[s.environment] as string);
    if (s.file === undefined) continue;
    try {
      out.push(fs.readFileSync(path.resolve(options.dir, s.file), "utf8"));
    } catch {
      /* unreadable: apply reports it; nothing to redact */
    }
  }
  return out;
}

/** The graph as outputs may show it (`dsl graph`): every sensitive environment value and config content is `(sensitive)`. */
export function maskGraph(graph: Graph): Graph {
  const services = Object.fromEntries(
    Object.entries(graph.services).map(([name, spec]) => {
      if (!spec.sensitive?.length || !spec.environment) return [name, spec];
      const environment = { ...spec.environment };
      for (const p of spec.sensitive) {
        const key = p.startsWith("environment.") ? p.slice("environment.".length) : undefined;
        if (key !== undefined && environment[key] != null) environment[key] = SENSITIVE;
      }
      return [name, { ...spec, environment }];
    }),
  );
  const configs = Object.fromEntries(
    Object.entries(graph.configs).map(([name, c]) => [name, c.sensitive && c.content !== undefined ? { ...c, content: SENSITIVE } : c]),
  );
  return { ...graph, services, configs };
}
