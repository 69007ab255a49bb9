/**
 * The demo that runs anywhere, offline: a web server and a worker, both built locally from
 * busybox (no registry needed). The worker waits until the web server is healthy, then
 * writes a line into a named volume every few seconds; the web server publishes that
 * volume on http://127.0.0.1:8088/.
 */
import { Service, Stack, Volume } from "@berth/dsl";

const stack = new Stack("hello");

const shared = new Volume("shared");
const image = { context: "./app" };

const web = new Service("web", {
  build: image,
  image: "hello-berth:1",
  command: ["httpd", "-f", "-p", "8080", "-h", "/www"],
  ports: ["127.0.0.1:8088:8080"],
  volumes: [{ source: shared, target: "/www/shared" }],
  healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], interval: "1s", retries: 20 },
  init: true,
});

new Service("worker", {
  image: "hello-berth:1",
  command: ["sh", "-c", "while true; do date >> /shared/ticks.txt; sleep 5; done"],
  environment: { GREETING: "hello from berth" },
  volumes: [{ source: shared, target: "/shared" }],
  dependsOn: [{ service: web, condition: "healthy" }],
  init: true,
});

export default stack;
