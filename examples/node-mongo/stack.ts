/**
 * A Node.js app built from ./app, MongoDB with its data in a named volume, and nginx in front.
 * Only nginx publishes a port; the app reaches mongo by its service name on the default network.
 */
import { Network, Service, Stack, Volume } from "@berth/dsl";

const stack = new Stack("node-mongo");

const backend = new Network("backend", { internal: true });
const frontend = new Network("frontend");
const mongoData = new Volume("mongo-data");

const mongo = new Service("mongo", {
  image: "mongo:7",
  volumes: [{ source: mongoData, target: "/data/db" }],
  networks: [backend],
  healthcheck: { test: ["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"], interval: "10s", retries: 5 },
});

const app = new Service("app", {
  build: { context: "./app", args: { NODE_VERSION: "20" } },
  environment: { MONGO_URL: "mongodb://mongo:27017/app", PORT: 3000, NODE_ENV: "production" },
  networks: [backend, frontend],
  dependsOn: [{ service: mongo, condition: "healthy" }],
  restart: "on-failure",
});

new Service("nginx", {
  image: "nginx:1.27-alpine",
  ports: ["127.0.0.1:8081:80"],
  volumes: [{ type: "bind", source: "./nginx/default.conf", target: "/etc/nginx/conf.d/default.conf", readOnly: true }],
  networks: [frontend],
  dependsOn: [app],
});

export default stack;
