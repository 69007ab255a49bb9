/**
 * Django built from ./app, PostgreSQL with a named volume and a healthcheck. The web service
 * starts only once the database answers (dependsOn healthy). The password is read from
 * DB_PASSWORD (the environment, else .env beside this file; "change-me" when neither sets it)
 * and marked sensitive: previews and logs show "(sensitive)", and docker-compose.yml says
 * ${DB_PASSWORD:?set DB_PASSWORD} instead of the value.
 */
import { Service, Stack, Volume, env, sensitive } from "@berth/dsl";

const stack = new Stack("django-postgres");

const pgdata = new Volume("pgdata");
const password = sensitive(env("DB_PASSWORD", "change-me"));

const db = new Service("db", {
  image: "postgres:16-alpine",
  environment: { POSTGRES_DB: "app", POSTGRES_USER: "app", POSTGRES_PASSWORD: password },
  volumes: [{ source: pgdata, target: "/var/lib/postgresql/data" }],
  healthcheck: { test: "pg_isready -U app -d app", interval: "5s", timeout: "3s", retries: 10, startPeriod: "10s" },
  restart: "unless-stopped",
});

new Service("web", {
  build: { context: "./app", dockerfile: "Dockerfile", target: "runtime" },
  command: ["gunicorn", "app.wsgi", "--bind", "0.0.0.0:8000"],
  environment: { DATABASE_URL: "postgres://app@db:5432/app", DATABASE_PASSWORD: password, DEBUG: "no" },
  ports: ["127.0.0.1:8000:8000"],
  dependsOn: [{ service: db, condition: "healthy" }],
  restart: "unless-stopped",
});

export default stack;
