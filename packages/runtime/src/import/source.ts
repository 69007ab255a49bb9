/**
 * Reads a compose file as docker-compose 1.29 does (YAML 1.1: `yes` is true, `0755` is octal,
 * `22:22` is base 60) while keeping every node's position, so that any later problem can
 * name the line it comes from.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Tags } from "yaml";
import { ImportError } from "./errors";

/** A position in the compose file as keys and indexes: `["services", "web", "ports", 0]`. */
export type Path = readonly (string | number)[];

/** `services.web.ports[0]`. */
export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "the top level";
}

/** PyYAML's YAML 1.1 booleans: unlike the `yaml` package's, `y` and `n` stay strings. */
const PY_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PY_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

/**
 * PyYAML's YAML 1.1 numbers, stricter than the `yaml` package's: a decimal int has no leading
 * zero (`08` is a string), a float needs a dot and an exponent needs a sign (`1e3`, `E1` and
 * `.` are strings), a base-60 int starts with 1–9.
 */
const PY_NUMBERS: Readonly<Record<string, RegExp>> = {
  "int:": /^[-+]?(?:0|[1-9][0-9_]*)$/,
  "int:TIME": /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/,
  "float:EXP": /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)[eE][-+][0-9]+$/,
  "float:": /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/,
};

/** The `yaml` package's YAML 1.1 tags, with PyYAML's (docker-compose 1.29's) rules where they differ. */
function pyYamlScalars(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== "object" || !("test" in tag) || !tag.test) return tag;
    if (tag.tag === "tag:yaml.org,2002:bool") return { ...tag, test: String(tag.test).includes("rue") ? PY_TRUE : PY_FALSE } as typeof tag;
    const kind = tag.tag.replace("tag:yaml.org,2002:", "");
    // The float tag without a format is also the one for .inf/.nan: that one stays.
    if (kind === "float" && !tag.format && String(tag.test).includes("inf")) return tag;
    const test = PY_NUMBERS[`${kind}:${tag.format ?? ""}`];
    return test ? ({ ...tag, test } as typeof tag) : tag;
  });
}

/** A parsed compose file: its plain value and a way back to lines. */
export class ComposeSource {
  /** The file as shown in messages (relative to the working directory). */
  readonly shown: string;
  /** The file's content as plain data (YAML 1.1 scalars, merge keys applied). */
  readonly value: unknown;
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(text: string, shown: string) {
    this.shown = shown;
    this.lines = new LineCounter();
    this.doc = parseDocument(text, { version: "1.1", lineCounter: this.lines, customTags: pyYamlScalars, uniqueKeys: false });
    const error = this.doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      const what = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      throw new ImportError(`${shown}: YAML syntax error${line ? ` (line ${line})` : ""}: ${what}`);
    }
    this.value = this.toJS(shown);
  }

  /** The plain value; an alias without its anchor is the user's error at its line (the `yaml` package throws a plain Error). */
  private toJS(shown: string): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: -1 }) ?? {};
    } catch (err) {
      let line: number | undefined;
      visit(this.doc, {
        Alias: (_key, node) => {
          if (line !== undefined || node.resolve(this.doc) !== undefined || !node.range) return;
          line = this.lines.linePos(node.range[0]).line;
        },
      });
      const what = err instanceof Error ? err.message.split("\n")[0] : String(err);
      throw new ImportError(`${shown}: YAML error${line ? ` (line ${line})` : ""}: ${what}`, { cause: err });
    }
  }

  /** The 1-based line of the node at `path` (of its key, when `key`), or of its nearest ancestor that exists. */
  line(path: Path, key = false): number | undefined {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0];
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(this.doc);
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        if (key && i === path.length - 1 && keyNode?.range) return this.lines.linePos(keyNode.range[0]).line;
        node = pair.value;
        offset = (node as Node | null)?.range?.[0] ?? keyNode?.range?.[0] ?? offset;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
        node = node.items[seg];
        offset = (node as Node).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  /** `compose.yml: <what> at services.web (line 3)<hint>`: the one-line message of every import problem. */
  error(what: string, path: Path, options: { key?: boolean; hint?: string } = {}): ImportError {
    const line = this.line(path, options.key);
    const where = options.key ? path.slice(0, -1) : path;
    return new ImportError(`${this.shown}: ${what} at ${formatPath(where)}${line ? ` (line ${line})` : ""}${options.hint ?? ""}`);
  }
}
