/**
 * Parity over the corpus: every compose file of `shared/corpus/awesome-compose/` (a file dropped
 * there is covered automatically) is brought up by docker-compose 1.29 and, imported, by `dsl
 * apply`, one file at a time on the shared test engine, and each service's two containers must
 * agree on every field of `docker inspect` (parity.ts says what is normalized). Wall time ≈ 2 min.
 *
 * What cannot run here is changed the same way for both, in a copy of the file, and nothing else:
 * - every image is the test image, tagged with the file's image name when that is missing, and a
 *   `build` is replaced by such an image (building needs the internet for base images and packages);
 * - every service sleeps (`command: sleep 3600`, `init: true`; an `entrypoint` becomes `sleep`), so
 *   that it runs without the real program, and a healthcheck tests `true` (the real probe needs it);
 * - published host ports become ephemeral (the engine picks; no clash on the shared engine);
 * - missing secret files and long-form bind sources are created in the copy (the corpus keeps only
 *   the compose files).
 * A file that cannot run even so is listed in {@link CANNOT_RUN} with the reason.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { requireCompose, sharedDir } from "../../../runtime/test/helpers/compose-oracle";
import { BUSYBOX, describeEngine, dsl, useE2E } from "./helpers";
import { containerView, differences, inspectContainer } from "./parity";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const corpus = path.join(sharedDir(), "corpus/awesome-compose");

/** Corpus files that cannot run here even with the changes above, by folder, with why. */
const CANNOT_RUN: Readonly<Record<string, string>> = {
  wireguard: "binds absolute host paths (/lib/modules, /usr/src, /usr/share/appdata/wireguard/config) that the engine would create or expose on this machine",
  "wasmedge-mysql-nginx": 'its backend needs the WasmEdge runtime ("io.containerd.wasmedge.v1"), which the test engine does not have',
};

/**
 * Differences parity finds that Berth does not fix yet, by folder, each exactly as reported (a
 * fixed one fails the test until it is taken off the list). None today.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, readonly RegExp[]>> = {};

/** Values for the variables a corpus file uses without a default (as import-corpus.test.ts). */
const STAND_IN_ENV = "TIMEZONE=Etc/UTC\nVPN_SERVER_URL=vpn.example.com\n";

const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const files = fs
  .readdirSync(corpus, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((e) =>
    fs
      .readdirSync(path.join(corpus, e.name))
      .filter((f) => /^(?:docker-)?compose\.ya?ml$/.test(f))
      .map((f) => ({ name: e.name, file: path.join(corpus, e.name, f) })),
  )
  .sort((a, b) => (a.name < b.name ? -1 : 1));
const runnable = files.filter((f) => !CANNOT_RUN[f.name]);

/** `"80:80"` → `"80"`, `"127.0.0.1:8080:80/tcp"` → `"127.0.0.1::80/tcp"`, long form without `published`. */
function ephemeral(port: Json): Json {
  if (isObj(port)) {
    const { published: _p, ...rest } = port;
    return rest;
  }
  const parts = String(port).split(":");
  if (parts.length === 1) return port;
  return parts.length === 3 ? `${parts[0]}::${parts[2]}` : parts[parts.length - 1];
}

/** The service as it can run here (see the header); returns the image names to stand in. */
function standIn(name: string, service: Obj, images: Set<string>): void {
  if (service.build !== undefined) {
    delete service.build;
    service.image ??= `berth-corpus/${name}:stand-in`;
  }
  images.add(String(service.image));
  if (service.entrypoint !== undefined) {
    service.entrypoint = ["sleep"];
    service.command = ["3600"];
  } else {
    service.command = ["sleep", "3600"];
  }
  service.init = true;
  if (isObj(service.healthcheck) && service.healthcheck.disable !== true) service.healthcheck.test = ["CMD-SHELL", "true"];
  if (Array.isArray(service.ports)) service.ports = service.ports.map(ephemeral);
}

/** Creates what the file refers to and the corpus does not hold: secret and config files, long-form bind sources. */
function createReferenced(dir: string, doc: Obj): void {
  const touch = (p: string) => {
    const abs = path.resolve(dir, p);
    if (!abs.startsWith(dir) || fs.existsSync(abs)) return;
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    if (path.extname(abs)) fs.writeFileSync(abs, "stand-in\n");
    else fs.mkdirSync(abs, { recursive: true });
  };
  for (const section of ["secrets", "configs"])
    for (const f of Object.values(isObj(doc[section]) ? doc[section] : {})) if (isObj(f) && typeof f.file === "string") touch(f.file);
  for (const s of Object.values(isObj(doc.services) ? doc.services : {})) {
    if (!isObj(s) || !Array.isArray(s.volumes)) continue;
    for (const m of s.volumes) if (isObj(m) && m.type === "bind" && typeof m.source === "string") touch(m.source);
  }
}

/** Service name → the name of its first container, as docker-compose 1.29 and Berth name them. */
function containerNames(doc: Obj, project: string, sep: "_" | "-"): Record<string, string> {
  return Object.fromEntries(
    Object.entries(doc.services as Obj).map(([svc, s]) => [
      svc,
      isObj(s) && typeof s.container_name === "string" ? s.container_name : [project, svc, "1"].join(sep),
    ]),
  );
}

describeEngine("parity over the corpus: docker-compose 1.29 and dsl import + apply make the same containers", () => {
  const fx = useE2E();
  const inspect = (name: string) => inspectContainer(fx.docker, name);

  test("every corpus file is compared or listed with the reason it cannot run here", () => {
    expect(files.length).toBeGreaterThanOrEqual(22);
    expect(Object.keys(CANNOT_RUN).filter((n) => !files.some((f) => f.name === n))).toEqual([]); // no stale entry
    expect(runnable.length).toBe(files.length - Object.keys(CANNOT_RUN).length);
    expect(runnable.length).toBeGreaterThanOrEqual(20);
  });

  test.each(runnable.map((f) => [f.name, f.file]))(
    "%s: every service's containers agree on every inspected field",
    async (name, file) => {
      requireCompose();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-corpus-${name}-`));
      const doc = parse(fs.readFileSync(file, "utf8")) as Obj;
      const images = new Set<string>();
      for (const [svc, s] of Object.entries(doc.services as Obj)) if (isObj(s)) standIn(`${name}-${svc}`, s, images);
      for (const image of images) {
        const exists = await fx.docker(["image", "inspect", "--format", "{{.Id}}", image]).then(
          () => true,
          () => false,
        );
        if (!exists) await fx.docker(["tag", BUSYBOX, fx.trackImage(image)]);
      }
      createReferenced(dir, doc);
      fs.writeFileSync(path.join(dir, "compose.yaml"), stringify(doc, { version: "1.1" })); // docker-compose 1.29 reads YAML 1.1 (`no` is false)
      fs.writeFileSync(path.join(dir, ".env"), STAND_IN_ENV);
      const compose = fx.project("cpc");
      const berth = fx.project("cpb");

      // docker-compose 1.29 first, then down (container names and fixed names are shared)
      const byCompose: Record<string, ReturnType<typeof containerView>> = {};
      try {
        execFileSync("docker-compose", ["-p", compose, "-f", "compose.yaml", "up", "-d"], { cwd: dir, stdio: "pipe" });
        for (const [svc, c] of Object.entries(containerNames(doc, compose, "_"))) byCompose[svc] = containerView(await inspect(c), compose);
      } finally {
        execFileSync("docker-compose", ["-p", compose, "-f", "compose.yaml", "down", "-v"], { cwd: dir, stdio: "pipe" });
      }

      // then dsl import + apply
      const imported = dsl(["import", "compose.yaml", "-o", "stack.ts", "--project", berth], { cwd: dir });
      expect(imported.code).toBe(0);
      const diffs: string[] = [];
      try {
        const applied = dsl(["apply", "--yes", "stack.ts"], { cwd: dir });
        expect({ stderr: applied.stderr, code: applied.code }).toEqual({ stderr: "", code: 0 });
        for (const [svc, c] of Object.entries(containerNames(doc, berth, "-"))) {
          const b = containerView(await inspect(c), berth);
          diffs.push(...differences(byCompose[svc], b).map((d) => `${svc}: ${d}`));
        }
      } finally {
        expect(dsl(["destroy", "--yes", "--volumes", "stack.ts"], { cwd: dir }).code).toBe(0);
      }
      const known = KNOWN_DIFFERENCES[name] ?? [];
      expect(diffs.filter((d) => !known.some((k) => k.test(d)))).toEqual([]);
      expect(known.filter((k) => !diffs.some((d) => k.test(d))).map(String)).toEqual([]); // each known difference still occurs
    },
    120_000,
  );
});
