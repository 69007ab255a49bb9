/**
 * The last check before a compose file is written: what compose would refuse, located at the
 * user's `new …(…)`. The official compose-spec JSON schema (compiled ahead of time by
 * scripts/compose-spec-validator.cjs), plus what only the file system can say (a secret or
 * config file that does not exist) and a stack with no services. Graph rules the schema cannot
 * express (one mount per target, host IPs, image references, …) are the DSL's `validateGraph`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ConstructKind, Graph, Problem, SourceLocation } from "@berth/dsl";

interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params?: { readonly additionalProperty?: string };
}
type Validate = ((data: unknown) => boolean) & { errors?: readonly SchemaError[] | null };

let validate: Validate | undefined;

const SECTIONS: Readonly<Record<string, ConstructKind>> = {
  services: "service",
  networks: "network",
  volumes: "volume",
  secrets: "secret",
  configs: "config",
};

/** `/services/web/command/1` → the service's location and `services.web.command[1]` (the place in the compose file). */
function locate(graph: Graph, pointer: string): Pick<Problem, "location" | "construct" | "path"> {
  const [section, name, ...rest] = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const kind = SECTIONS[section];
  const entry = kind ? (graph[section as keyof Graph] as Record<string, { location: SourceLocation }> | undefined)?.[name] : undefined;
  const file = rest.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
  if (!entry || !kind) return { location: graph.location, construct: { kind: "stack", name: graph.project }, path: pointer || undefined };
  return { location: entry.location, construct: { kind, name }, path: file ? `${section}.${name}.${file}` : undefined };
}

/** Schema errors, one per place: the deepest ones (a `oneOf` also fails at every parent), merged per path. */
function schemaProblems(graph: Graph, model: unknown): Problem[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- generated CommonJS, loaded only when synth checks a file
  validate ??= require("./compose-spec-validate.generated.js") as Validate;
  if (validate(model)) return [];
  // An unknown key is a problem of its own place, not of the mapping that holds it.
  const errors = (validate.errors ?? []).map((e) =>
    e.keyword === "additionalProperties" && e.params?.additionalProperty !== undefined
      ? { ...e, instancePath: `${e.instancePath}/${e.params.additionalProperty}`, message: "is not a compose key" }
      : e,
  );
  const deepest = errors.filter((e) => !errors.some((o) => o.instancePath.startsWith(`${e.instancePath}/`)));
  const byPath = new Map<string, string[]>();
  for (const e of deepest) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e.message ?? "is invalid"]);
  return [...byPath].map(([pointer, messages]) => ({
    ...locate(graph, pointer),
    message: `compose would reject the file: ${[...new Set(messages)].join(", or ")}`,
  }));
}

/** Secret and config files that do not exist (relative paths resolve against `dir`, the stack file's folder). */
function missingFiles(graph: Graph, dir: string): Problem[] {
  const out: Problem[] = [];
  for (const kind of ["secret", "config"] as const) {
    for (const entry of Object.values(kind === "secret" ? graph.secrets : graph.configs)) {
      if (entry.file === undefined || fs.existsSync(path.resolve(dir, entry.file))) continue;
      out.push({
        message: `file does not exist (looked for ${path.resolve(dir, entry.file)}); compose reads it at deploy`,
        location: entry.location,
        construct: { kind, name: entry.name },
        path: "file",
        value: entry.file,
      });
    }
  }
  return out;
}

/**
 * Every reason compose would refuse the file made from `graph` (`model`, as `toComposeModel`
 * returns it); empty when it is fine. `dir` is the stack file's folder.
 */
export function checkComposeFile(graph: Graph, model: unknown, options: { readonly dir: string }): Problem[] {
  const problems: Problem[] = [];
  if (Object.keys(graph.services).length === 0) {
    problems.push({
      message: `defines no services; a compose file needs at least one (add e.g. new Service("web", { image: "nginx:1.27" }))`,
      location: graph.location,
      construct: { kind: "stack", name: graph.project },
    });
  }
  return [...problems, ...missingFiles(graph, options.dir), ...schemaProblems(graph, model)];
}
