/**
 * The picture as a self-contained SVG (no script, no external font or stylesheet), and an HTML
 * page holding it. Layout: one band per component (the stack's own services first), columns by
 * dependency depth (what a service depends on stands to its left), the resources in a band below.
 */
import type { Picture, PictureNode } from "./model";

const W = 180;
const H = 46;
const COL_GAP = 70;
const ROW_GAP = 14;
const BAND_PAD = 14;
const BAND_LABEL = 22;
const BAND_GAP = 18;
const MARGIN = 20;

const COLORS: Readonly<Record<PictureNode["kind"], readonly [string, string]>> = {
  service: ["#e8f0fe", "#1a73e8"],
  network: ["#e6f4ea", "#188038"],
  volume: ["#fef7e0", "#b06000"],
  secret: ["#fce8e6", "#c5221f"],
  config: ["#f3e8fd", "#8430ce"],
};

interface Box {
  readonly node: PictureNode;
  readonly x: number;
  readonly y: number;
}

interface Band {
  readonly label: string;
  readonly y: number;
  readonly height: number;
  readonly dashed: boolean;
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Keeps a label inside its box (about 7 px a character at 12 px). */
function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function layout(picture: Picture): { boxes: Box[]; bands: Band[]; width: number; height: number } {
  const columns = Math.max(1, ...picture.groups.flatMap((g) => g.services.map((s) => s.depth + 1)));
  const boxes: Box[] = [];
  const bands: Band[] = [];
  const colX = (col: number) => MARGIN + BAND_PAD + col * (W + COL_GAP);
  let y = MARGIN;
  for (const group of picture.groups) {
    const cells: PictureNode[][] = Array.from({ length: columns }, () => []);
    for (const s of group.services) cells[s.depth].push(s);
    const rows = Math.max(1, ...cells.map((c) => c.length));
    const top = y + BAND_LABEL;
    cells.forEach((cell, col) => cell.forEach((node, row) => boxes.push({ node, x: colX(col), y: top + row * (H + ROW_GAP) })));
    const height = BAND_LABEL + rows * (H + ROW_GAP) - ROW_GAP + BAND_PAD;
    bands.push({
      label: group.component !== undefined ? `component ${group.component}` : `stack ${picture.project}`,
      y,
      height,
      dashed: group.component !== undefined,
    });
    y += height + BAND_GAP;
  }
  if (picture.resources.length > 0) {
    const perRow = Math.max(columns, 3);
    const rows = Math.ceil(picture.resources.length / perRow);
    const top = y + BAND_LABEL;
    picture.resources.forEach((node, i) => boxes.push({ node, x: colX(i % perRow), y: top + Math.floor(i / perRow) * (H + ROW_GAP) }));
    const height = BAND_LABEL + rows * (H + ROW_GAP) - ROW_GAP + BAND_PAD;
    bands.push({ label: "networks, volumes, secrets, configs", y, height, dashed: false });
    y += height + BAND_GAP;
    return { boxes, bands, width: colX(perRow - 1) + W + BAND_PAD + MARGIN, height: y - BAND_GAP + MARGIN };
  }
  return { boxes, bands, width: colX(columns - 1) + W + BAND_PAD + MARGIN, height: y - BAND_GAP + MARGIN };
}

function boxSvg({ node, x, y }: Box): string {
  const [fill, stroke] = COLORS[node.kind];
  const rx = node.kind === "service" ? 6 : 16;
  const title = node.kind === "service" ? node.name : `${node.kind} ${node.name}`;
  return [
    `<g class="node ${node.kind}" id="${node.id}">`,
    `<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="${rx}" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`,
    `<text class="name" x="${x + W / 2}" y="${y + (node.kind === "service" && node.detail ? 19 : 28)}" text-anchor="middle" font-size="13" font-weight="bold" fill="#202124">${xml(fit(title, 24))}</text>`,
    node.kind === "service" && node.detail
      ? `<text class="detail" x="${x + W / 2}" y="${y + 36}" text-anchor="middle" font-size="11" fill="#5f6368">${xml(fit(node.detail, 28))}</text>`
      : "",
    `</g>`,
  ].join("");
}

function edgeSvg(from: Box, to: Box, kind: "depends" | "uses", label: string | undefined): string {
  if (kind === "uses") {
    const [x1, y1, x2, y2] = [from.x + W / 2, from.y + H, to.x + W / 2, to.y];
    return `<path class="edge uses" d="M${x1},${y1} C${x1},${y1 + 40} ${x2},${y2 - 40} ${x2},${y2}" fill="none" stroke="#9aa0a6" stroke-dasharray="4 3"/>`;
  }
  const [x1, y1, x2, y2] = [from.x, from.y + H / 2, to.x + W, to.y + H / 2];
  const mid = (x1 + x2) / 2;
  const text = label ? `<text x="${mid}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle" font-size="10" fill="#5f6368">${xml(label)}</text>` : "";
  return `<path class="edge depends" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="#3c4043" stroke-width="1.5" marker-end="url(#arrow)"/>${text}`;
}

/** The picture as one SVG document. */
export function toSvg(picture: Picture): string {
  const { boxes, bands, width, height } = layout(picture);
  const byId = new Map(boxes.map((b) => [b.node.id, b]));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${xml(`Berth stack ${picture.project}`)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#3c4043"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (const band of bands) {
    out.push(
      `<g class="band"><rect x="${MARGIN}" y="${band.y}" width="${width - 2 * MARGIN}" height="${band.height}" rx="8" fill="#f8f9fa" stroke="#bdc1c6"${band.dashed ? ' stroke-dasharray="6 4"' : ""}/>` +
        `<text x="${MARGIN + BAND_PAD}" y="${band.y + 16}" font-size="12" fill="#5f6368">${xml(band.label)}</text></g>`,
    );
  }
  for (const e of picture.edges) {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (from && to) out.push(edgeSvg(from, to, e.kind, e.label));
  }
  out.push(...boxes.map(boxSvg), "</svg>");
  return out.join("\n") + "\n";
}

/** One self-contained HTML page: the SVG inline, a heading and a legend; no script, no external resource. */
export function toHtml(picture: Picture): string {
  const services = picture.groups.reduce((n, g) => n + g.services.length, 0);
  const legend = (Object.keys(COLORS) as PictureNode["kind"][])
    .map((k) => `<span><i style="background:${COLORS[k][0]};border-color:${COLORS[k][1]}"></i>${k}</span>`)
    .join(" ");
  return [
    "<!doctype html>",
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${xml(`${picture.project} — Berth`)}</title>`,
    "<style>body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#202124}h1{font-size:20px;margin:0 0 4px}" +
      "p{margin:0 0 12px;color:#5f6368}.legend span{margin-right:14px;font-size:13px}" +
      ".legend i{display:inline-block;width:12px;height:12px;border:1.5px solid;border-radius:3px;margin-right:5px;vertical-align:-2px}</style></head>",
    "<body>",
    `<h1>${xml(picture.project)}</h1>`,
    `<p>${services} service${services === 1 ? "" : "s"}, ${picture.resources.length} other resource${picture.resources.length === 1 ? "" : "s"}. Arrows point at what a service depends on; dashed lines at what it uses.</p>`,
    `<p class="legend">${legend}</p>`,
    toSvg(picture).trimEnd(),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
