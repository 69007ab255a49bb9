/**
 * The smallest Docker Engine client: one HTTP request over the engine's socket, no dependency.
 * The no-op floor uses it (node start-up + one label-filtered list is all a no-op needs), and so
 * does the clean-up, which must work even when the code under test is broken.
 * Supports `unix://` (the default) and plain `tcp://` / `http://` hosts.
 */
import http from "node:http";

export function connection(host = process.env.DOCKER_HOST || "unix:///var/run/docker.sock") {
  if (host.startsWith("/")) return { socketPath: host };
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  const url = new URL(host);
  if (url.protocol !== "tcp:" && url.protocol !== "http:") throw new Error(`bench: DOCKER_HOST ${host}: only unix:// and plain tcp:// are supported`);
  return { host: url.hostname, port: Number(url.port || 2375) };
}

/** `request("GET", "/containers/json", { all: 1 })` → parsed JSON (or undefined for 204/empty). */
const { URLSearchParams } = globalThis;

export function request(method, path, query, body, { host, timeoutMs = 30_000 } = {}) {
  const qs = query ? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]))}` : "";
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        ...connection(host),
        method,
        path: `${path}${qs}`,
        headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {},
        timeout: timeoutMs,
        // A new connection each time: node 20 keeps sockets alive, and one kept from before an engine restart fails with EPIPE.
        agent: false,
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode >= 400) {
            const err = new Error(`${method} ${path}: ${res.statusCode} ${text.trim()}`);
            err.statusCode = res.statusCode;
            return reject(err);
          }
          try {
            resolve(text ? JSON.parse(text) : undefined);
          } catch {
            resolve(text);
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export const PROJECT_LABEL = "com.docker.compose.project";
