/** Stack members → Graph: names as keys, sorted keys, no undefined values, every problem collected. */
import type { ConstructKind, Problem } from "../errors";
import { GRAPH_VERSION, formatLocation, type Graph, type SourceLocation } from "../graph";
import { validateGraph } from "../validate";
import { SynthContext, type StackMember } from "./member";
import { canonical } from "./records";
import { checkPolicies, enclosing } from "./policies";
import type { Construct } from "../construct";

const SECTIONS: Readonly<Record<Exclude<ConstructKind, "stack" | "component">, "services" | "networks" | "volumes" | "secrets" | "configs">> = {
  service: "services",
  network: "networks",
  volume: "volumes",
  secret: "secrets",
  config: "configs",
};

function compareLocations(a: SourceLocation, b: SourceLocation): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

export interface BuiltGraph {
  readonly graph: Graph;
  readonly problems: Problem[];
}

export function buildGraph(stack: Construct & { readonly name: string; readonly target?: "compose" | "swarm" }, members: readonly StackMember[]): BuiltGraph {
  const problems: Problem[] = [];
  const sections: Record<string, Record<string, object>> = { services: {}, networks: {}, volumes: {}, secrets: {}, configs: {} };
  const firsts = new Map<string, StackMember>();
  const contexts = new Map<string, SynthContext>();
  for (const member of members) {
    if (member.kind === "stack" || member.kind === "component") continue;
    const section = SECTIONS[member.kind];
    const ctx = new SynthContext(stack, member, enclosing(member as unknown as Construct));
    const first = firsts.get(`${member.kind}:${member.name}`);
    if (first) {
      ctx.report(
        `a ${member.kind} named "${member.name}" already exists in stack "${stack.name}" (declared at ${formatLocation(first.location)}); ` +
          `names must be unique per kind`,
      );
      problems.push(...ctx.problems);
      continue;
    }
    firsts.set(`${member.kind}:${member.name}`, member);
    contexts.set(`${member.kind}:${member.name}`, ctx);
    const spec = member._synth(ctx);
    problems.push(...ctx.problems);
    sections[section][member.name] = ctx.within.length > 0 ? { ...spec, component: ctx.within[0].name } : spec;
  }
  const graph: Graph = canonical<Graph>({
    version: GRAPH_VERSION,
    project: stack.name,
    location: { file: stack.location.file, line: stack.location.line, column: stack.location.column },
    ...(stack.target !== undefined ? { target: stack.target } : {}),
    services: sections.services as Graph["services"],
    networks: sections.networks as Graph["networks"],
    volumes: sections.volumes as Graph["volumes"],
    secrets: sections.secrets as Graph["secrets"],
    configs: sections.configs as Graph["configs"],
  });
  for (const p of validateGraph(graph)) {
    const ctx = contexts.get(`${p.construct.kind}:${p.construct.name}`);
    problems.push(ctx ? { ...p, ...(p.path !== undefined ? { path: ctx.propsPath(p.path) } : {}), ...ctx.placed() } : p);
  }
  problems.push(...checkPolicies(stack, graph));
  const indexed = problems.map((p, i) => ({ p, i }));
  indexed.sort((a, b) => compareLocations(a.p.location, b.p.location) || a.i - b.i);
  return { graph, problems: indexed.map((x) => x.p) };
}
