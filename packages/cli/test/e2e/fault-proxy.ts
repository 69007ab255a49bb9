/**
 * An HTTP proxy on a unix socket in front of an engine's socket, for the crash-safety tests:
 * it forwards every request, except the one chosen, which it fails with a 500 (`fail`, the
 * engine never sees it) or forwards and then drops the connection before the answer (`drop`,
 * the engine did it, the client never hears back).
 */
import * as fs from "node:fs";
import * as http from "node:http";

export interface FaultRule {
  readonly method: string;
  readonly path: RegExp;
  /** The nth matching request (1-based) gets the fault. */
  readonly nth: number;
  readonly fault: "fail" | "drop";
}

export interface FaultProxy {
  readonly socket: string;
  /** Arms one fault (replacing any other); counts matching requests from now on. */
  inject(rule: FaultRule): void;
  close(): void;
}

export function faultProxy(engineSocket: string, socket: string): Promise<FaultProxy> {
  let rule: FaultRule | undefined;
  let seen = 0;
  const server = http.createServer((req, res) => {
    const hit = rule && req.method === rule.method && rule.path.test(req.url ?? "") && ++seen === rule.nth ? rule.fault : undefined;
    if (hit === "fail") {
      req.resume();
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ message: "injected engine failure (the test's proxy)" }));
      return;
    }
    const upstream = http.request({ socketPath: engineSocket, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (hit === "drop") {
        answer.resume();
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => req.socket.destroy());
    req.pipe(upstream);
  });
  fs.rmSync(socket, { force: true });
  return new Promise((resolve) =>
    server.listen(socket, () =>
      resolve({
        socket,
        inject: (r) => {
          rule = r;
          seen = 0;
        },
        close: () => server.close(),
      }),
    ),
  );
}
