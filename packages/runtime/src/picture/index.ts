/** `dsl graph --format …`: the graph as a picture (mermaid, dot, svg, html); pure functions of the graph. */
import type { Graph } from "@berth/dsl";
import { pictureOf } from "./model";
import { toHtml, toSvg } from "./svg";
import { toDot, toMermaid } from "./text";

export type PictureFormat = "mermaid" | "dot" | "svg" | "html";

export const PICTURE_FORMATS: readonly PictureFormat[] = ["mermaid", "dot", "svg", "html"];

/** Draws `graph`: services grouped by component, networks, volumes, secrets, configs and dependencies. */
export function drawGraph(graph: Graph, format: PictureFormat): string {
  const picture = pictureOf(graph);
  if (format === "mermaid") return toMermaid(picture);
  if (format === "dot") return toDot(picture);
  if (format === "svg") return toSvg(picture);
  return toHtml(picture);
}

export { pictureOf, type Picture, type PictureNode, type PictureGroup, type PictureEdge } from "./model";
