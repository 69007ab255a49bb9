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
import { isMap, isScalar, parseAllDocuments, visit } from "yaml";
import type { Graph } from "@berth/dsl";
import { SENSITIVE } from "./desired/spec";

/**
 * Values shorter than this are not searched for in free text: `1`, `no` or `app` occur
 * everywhere, and replacing them would garble every line. Where Berth knows the field (plans,
 * JSON, synth, the graph) such a value is masked all the same.
 */
export const MIN_REDACTED_LENGTH = 4;

/** Every form a value takes in output: as is, trimmed (a file's trailing newline), each line of a multi-line value, JSON-escaped. */
function allForms(value: string): string[] {
  const out = new Set<string>([value, value.trim()]);
  for (const line of value.split(/\r?\n/)) out.add(line.trim());
  for (const v of [...out]) out.add(JSON.stringify(v).slice(1, -1));
  out.delete("");
  return [...out];
}

/** The top-level keys of a compose file (and of a graph) whose keys are the names of its objects. */
const NAMED = new Set(["services", "networks", "volumes", "secrets", "configs"]);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces every known sensitive value in text or bytes with `(sensitive)`. Values only accumulate. */
export class Redactor {
  private readonly values = new Set<string>();
  /** Every form of every value, however short: what a whole value of a document is compared with. */
  private readonly whole = new Set<string>();
  private pattern: RegExp | undefined;
  private bytePattern: RegExp | undefined;

  /** Adds values to redact from now on (each in every form it takes in output). */
  add(values: Iterable<string>): void {
    const before = this.values.size;
    for (const value of values) {
      for (const form of allForms(value)) {
        this.whole.add(form);
        if (form.length >= MIN_REDACTED_LENGTH) this.values.add(form);
      }
    }
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

  /**
   * `text`, a YAML (or JSON) document such as a synthesized compose file, with the sensitive
   * values masked in its scalar values only, so that it stays the document it was (the plain
   * {@link redact} would turn the key `secrets:` into `(sensitive)s:` for a secret whose content
   * is `secret`). A value that is a sensitive value whole (however short) becomes `(sensitive)`;
   * a longer value has each sensitive value inside it replaced, and is written quoted again.
   * Never touched: keys, values that are not strings, and a value that is the name of one of
   * the document's objects (a key under `services:`, `networks:`, `volumes:`, `secrets:` or
   * `configs:`, named in a list: shown as a key anyway, and masking it would break the reference). Full-line comments are redacted as text. A text
   * that does not parse is redacted as text. `onMasked` hears the line of each value masked (a
   * value that equals a sensitive value by chance, an image `nginx` beside a password `nginx`, is
   * masked too: nothing tells it from a leak, so the caller says the document shown differs).
   */
  redactDocument(text: string, onMasked?: (line: number) => void): string {
    if (this.whole.size === 0) return text;
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return this.redact(text);
    const keys = new Set<string>();
    for (const doc of docs) {
      if (!isMap(doc.contents)) continue;
      for (const top of doc.contents.items) {
        if (!isScalar(top.key) || !NAMED.has(String(top.key.value)) || !isMap(top.value)) continue;
        for (const named of top.value.items) if (isScalar(named.key)) keys.add(String(named.key.value));
      }
    }
    const edits: { from: number; to: number; text: string }[] = [];
    for (const doc of docs) {
      visit(doc, {
        Scalar: (key, node) => {
          if (key === "key" || typeof node.value !== "string" || !node.range || keys.has(node.value)) return;
          const masked = this.whole.has(node.value) ? SENSITIVE : this.redact(node.value);
          if (masked === node.value) return;
          const [from, to] = node.range;
          onMasked?.(text.slice(0, from).split("\n").length);
          // A block scalar's range ends past its last line break: keep the break.
          const source = text.slice(from, to);
          edits.push({ from, to, text: JSON.stringify(masked) + (/\n$/.test(source) ? "\n" : "") });
        },
      });
    }
    let out = text;
    for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
    return out.replace(/^([ \t]*#.*)$/gm, (line) => this.redact(line));
  }

  /**
   * A JSON value as output shows it (`--json`): the same rules as {@link redactDocument}, on the
   * value itself, so that no key (`"secrets"`) is ever rewritten.
   */
  redactValue<T>(value: T): T {
    if (this.whole.size === 0) return value;
    const keys = new Set<string>();
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (NAMED.has(k) && v !== null && typeof v === "object" && !Array.isArray(v)) for (const name of Object.keys(v)) keys.add(name);
      }
    }
    const mask = (v: unknown): unknown => {
      if (typeof v === "string") return keys.has(v) ? v : this.whole.has(v) ? SENSITIVE : this.redact(v);
      if (Array.isArray(v)) return v.map(mask);
      if (v !== null && typeof v === "object") {
        const json = (v as { toJSON?: () => unknown }).toJSON;
        if (typeof json === "function") return mask(json.call(v));
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]));
      }
      return v;
    };
    return mask(value) as T;
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
