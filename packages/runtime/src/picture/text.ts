/** The picture as text other tools draw: Mermaid (GitHub renders it in Markdown) and Graphviz dot. */
import type { Picture, PictureNode } from "./model";

/** Mermaid's shape of each kind: a box, a hexagon (network), a cylinder (volume), a flag (secret, config). */
const MERMAID_SHAPES: Readonly<Record<PictureNode["kind"], readonly [string, string]>> = {
  service: ["[", "]"],
  network: ["{{", "}}"],
  volume: ["[(", ")]"],
  secret: [">", "]"],
  config: [">", "]"],
};

function mermaidText(text: string): string {
  return text.replace(/"/g, "#quot;");
}

function mermaidNode(node: PictureNode, indent: string): string {
  const [open, close] = MERMAID_SHAPES[node.kind];
  const label = node.detail && node.kind === "service" ? `${node.name}<br/>${node.detail}` : `${node.kind} ${node.name}`;
  return `${indent}${node.id}${open}"${mermaidText(label)}"${close}`;
}

/** `flowchart LR`: a subgraph per component, an arrow from each service to what it depends on, a dotted line to what it uses. */
export function toMermaid(picture: Picture): string {
  const lines = ["flowchart LR"];
  picture.groups.forEach((group, i) => {
    if (group.component === undefined) {
      lines.push(...group.services.map((s) => mermaidNode(s, "  ")));
      return;
    }
    lines.push(`  subgraph g${i}["${mermaidText(group.component)}"]`, ...group.services.map((s) => mermaidNode(s, "    ")), "  end");
  });
  lines.push(...picture.resources.map((r) => mermaidNode(r, "  ")));
  for (const e of picture.edges) {
    if (e.kind === "uses") lines.push(`  ${e.from} -.- ${e.to}`);
    else lines.push(e.label ? `  ${e.from} -->|${e.label}| ${e.to}` : `  ${e.from} --> ${e.to}`);
  }
  return lines.join("\n") + "\n";
}

const DOT_SHAPES: Readonly<Record<PictureNode["kind"], string>> = {
  service: "box",
  network: "hexagon",
  volume: "cylinder",
  secret: "note",
  config: "note",
};

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function dotNode(node: PictureNode, indent: string): string {
  const label = node.kind === "service" ? (node.detail ? `${node.name}\n${node.detail}` : node.name) : `${node.kind} ${node.name}`;
  return `${indent}${node.id} [shape=${DOT_SHAPES[node.kind]}, label=${dotString(label).replace(/\n/g, "\\n")}];`;
}

/** `digraph`: a cluster per component; `dot -Tsvg` draws it. */
export function toDot(picture: Picture): string {
  const lines = [`digraph ${dotString(picture.project)} {`, "  rankdir=RL;", '  node [fontname="Helvetica"];'];
  picture.groups.forEach((group, i) => {
    if (group.component === undefined) {
      lines.push(...group.services.map((s) => dotNode(s, "  ")));
      return;
    }
    lines.push(
      `  subgraph cluster_${i} {`,
      `    label=${dotString(group.component)};`,
      "    style=dashed;",
      ...group.services.map((s) => dotNode(s, "    ")),
      "  }",
    );
  });
  lines.push(...picture.resources.map((r) => dotNode(r, "  ")));
  for (const e of picture.edges) {
    if (e.kind === "uses") lines.push(`  ${e.from} -> ${e.to} [style=dashed, arrowhead=none];`);
    else lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label=${dotString(e.label)}]` : ""};`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
