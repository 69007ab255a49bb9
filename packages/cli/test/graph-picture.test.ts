// Wall time: ~15 s (three headless chromium runs, ~4 s each on 2 cores, and four `dsl` runs).
/**
 * `dsl graph --format svg|html` drawn by a real browser: Debian's chromium, headless, takes a
 * screenshot; the page is not blank, and every service's name is on screen, on top, inside
 * the window, with dark text pixels where the browser says the name is. Chromium is an oracle
 * here, like docker-compose elsewhere: missing, the test fails (apt-get install -y chromium).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dsl, REPO } from "./helpers";
import { decodePng, type Image } from "./png";

const CHROMIUM = process.env.BERTH_CHROMIUM ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((f) => fs.existsSync(f));
const WINDOW = { width: 1000, height: 700 };
const NODE_MONGO = path.join(REPO, "examples/node-mongo");

let dir: string;
beforeAll(() => {
  if (!CHROMIUM) throw new Error("chromium not found: apt-get install -y chromium (or set BERTH_CHROMIUM to a Chromium binary)");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-picture-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function chromium(args: readonly string[]): string {
  const res = spawnSync(
    CHROMIUM as string,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--no-first-run",
      "--force-device-scale-factor=1",
      `--window-size=${WINDOW.width},${WINDOW.height}`,
      ...args,
    ],
    { encoding: "utf8", timeout: 60_000, env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: "/dev/null" } },
  );
  if (res.status !== 0) throw new Error(`chromium exited ${res.status}: ${res.stderr}`);
  return res.stdout;
}

function screenshot(file: string): Image {
  const png = path.join(dir, `${path.basename(file)}.png`);
  chromium([`--screenshot=${png}`, `file://${file}`]);
  return decodePng(fs.readFileSync(png));
}

function luminance(img: Image, x: number, y: number): number {
  const i = (y * img.width + x) * 4;
  return 0.299 * img.pixels[i] + 0.587 * img.pixels[i + 1] + 0.114 * img.pixels[i + 2];
}

/** Share of pixels that are not (near) white, and the number of distinct colours. */
function inkOf(img: Image): { ink: number; colours: number } {
  let ink = 0;
  const colours = new Set<number>();
  for (let i = 0; i < img.width * img.height; i++) {
    const [r, g, b] = [img.pixels[i * 4], img.pixels[i * 4 + 1], img.pixels[i * 4 + 2]];
    if (r < 240 || g < 240 || b < 240) ink++;
    colours.add((r << 16) | (g << 8) | b);
  }
  return { ink: ink / (img.width * img.height), colours: colours.size };
}

/** Where the browser laid out each node's name: its box, whether it is inside the window and the topmost element at its centre. */
const PROBE = `<script>
  const names = [...document.querySelectorAll("g.node text.name")].map((t) => {
    const r = t.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { text: t.textContent, left: r.left, top: r.top, width: r.width, height: r.height,
      inView: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight, onTop: hit === t };
  });
  const out = document.createElement("script");
  out.type = "application/json";
  out.id = "probe";
  out.textContent = JSON.stringify(names);
  document.body.appendChild(out);
</script>`;

interface Probed {
  readonly text: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly inView: boolean;
  readonly onTop: boolean;
}

test("dsl graph --format html of examples/node-mongo renders in headless chromium: not blank, every service's name visible", () => {
  const res = dsl(["graph", "--format", "html"], { cwd: NODE_MONGO });
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  const page = path.join(dir, "node-mongo.html");
  fs.writeFileSync(page, res.stdout.replace("</body>", `${PROBE}\n</body>`));

  const image = screenshot(page);
  const dom = chromium(["--dump-dom", `file://${page}`]);
  const probed = JSON.parse(/<script type="application\/json" id="probe">(.*?)<\/script>/s.exec(dom)?.[1] ?? "[]") as Probed[];

  expect([image.width, image.height]).toEqual([WINDOW.width, WINDOW.height]);
  const { ink, colours } = inkOf(image);
  expect(ink).toBeGreaterThan(0.03);
  expect(colours).toBeGreaterThan(20);
  for (const name of ["app", "mongo", "nginx"]) {
    const at = probed.find((p) => p.text === name);
    expect({ name, inView: at?.inView, onTop: at?.onTop }).toEqual({ name, inView: true, onTop: true });
    if (!at) continue;
    let dark = 0;
    for (let y = Math.floor(at.top); y < Math.ceil(at.top + at.height); y++) {
      for (let x = Math.floor(at.left); x < Math.ceil(at.left + at.width); x++) if (luminance(image, x, y) < 110) dark++;
    }
    expect({ name, darkPixels: dark > 15 }).toEqual({ name, darkPixels: true });
  }
  expect(probed.map((p) => p.text).sort()).toEqual(["app", "mongo", "network backend", "network frontend", "nginx", "volume mongo-data"]);
});

test("dsl graph --format svg of a stack with components renders in headless chromium, not blank", () => {
  fs.writeFileSync(
    path.join(dir, "stack.ts"),
    [
      `import { Construct, Service, Stack } from "@berth/dsl";`,
      `class WebApp extends Construct {`,
      `  constructor(scope: Construct, id: string, port: number) {`,
      `    super(scope, id);`,
      `    const db = new Service(this, "db", { image: "postgres:16" });`,
      '    new Service(this, "web", { image: "nginx:1.27", ports: [`127.0.0.1:${port}:80`], dependsOn: [db] });',
      `  }`,
      `}`,
      `const stack = new Stack("shop");`,
      `new WebApp(stack, "blue", 8081);`,
      `new WebApp(stack, "green", 8082);`,
      `export default stack;`,
    ].join("\n"),
  );
  const res = dsl(["graph", "--format", "svg"], { cwd: dir });
  expect(res.code).toBe(0);
  for (const name of ["blue-db", "blue-web", "green-db", "green-web"]) expect(res.stdout).toContain(`>${name}</text>`);
  const file = path.join(dir, "shop.svg");
  fs.writeFileSync(file, res.stdout);
  const { ink, colours } = inkOf(screenshot(file));
  expect(ink).toBeGreaterThan(0.03);
  expect(colours).toBeGreaterThan(20);
});

test("the picture the README shows is what dsl graph --format svg draws for examples/node-mongo (regenerate: dsl graph --format svg > graph.svg)", () => {
  const res = dsl(["graph", "--format", "svg"], { cwd: NODE_MONGO });
  expect(res.stdout).toBe(fs.readFileSync(path.join(NODE_MONGO, "graph.svg"), "utf8"));
});
