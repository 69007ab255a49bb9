import { BerthError, Config, EnvError, Service, Stack, closeSession, env, openSession, sensitive, sensitiveValues } from "@berth/dsl";
import { at } from "./helpers";

/** A session whose env() reads exactly `vars` (the loader passes the environment, then .env). */
function withVars(vars: Record<string, string>): void {
  openSession({ defaultProject: "test", env: (name) => vars[name] });
}

afterEach(() => closeSession());

/** The message env() throws, or a failure when it does not throw. */
function envError(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    expect(BerthError.isBerthError(err) && err.kind).toBe("user");
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  throw new Error("expected env() to throw");
}

test("env reads the variable the session provides, and falls back to the default only when it is unset or empty", () => {
  withVars({ TAG: "2.1", EMPTY: "" });
  expect(env("TAG", "1.0")).toBe("2.1");
  expect(env("MISSING", "1.0")).toBe("1.0");
  expect(env("EMPTY", "1.0")).toBe("1.0");
  expect(env("MISSING", { default: "x" })).toBe("x");
  expect(env("EMPTY")).toBe("");
});

test("without a default, an unset variable is an error at the user's line that says how to set it", () => {
  withVars({});
  const message = envError(() => env("DB_PASSWORD")); // unset-read
  expect(message.startsWith(at(__filename, "unset-read"))).toBe(true);
  expect(message).toMatch(
    /^[^:]+:\d+:\d+: environment variable DB_PASSWORD is not set: set it in the environment or in the .env file beside the stack, or give a default: env\("DB_PASSWORD", "…"\)$/,
  );
});

test("{ required } words the error, and rejects an empty value as compose's ${VAR:?message} does", () => {
  withVars({ TOKEN: "" });
  const message = envError(() => env("TOKEN", { required: "ask ops for the token" })); // required-read
  expect(message.startsWith(at(__filename, "required-read"))).toBe(true);
  expect(message).toMatch(/: environment variable TOKEN is not set: ask ops for the token$/);
});

test("sensitive(env(X)) remembers X, and the graph records it for the environment key", () => {
  withVars({ DB_PASSWORD: "hunter2-secret", API_TOKEN: "tok-123" });
  const stack = new Stack("app");
  const password = sensitive(env("DB_PASSWORD"));
  expect(password.variable).toBe("DB_PASSWORD");
  new Service("web", {
    image: "x",
    environment: { PGPASSWORD: password, TOKEN: sensitive(env("API_TOKEN")), LITERAL: sensitive("not-from-env"), PLAIN: env("API_TOKEN") },
  });
  const spec = stack.toGraph().services.web;
  expect(spec.environment).toEqual({ LITERAL: "not-from-env", PGPASSWORD: "hunter2-secret", PLAIN: "tok-123", TOKEN: "tok-123" });
  expect(spec.sensitive).toEqual(["environment.LITERAL", "environment.PGPASSWORD", "environment.TOKEN"]);
  expect(spec.variables).toEqual({ "environment.PGPASSWORD": "DB_PASSWORD", "environment.TOKEN": "API_TOKEN" });
});

test("a sensitive default still names its variable, so synth references the variable, not the default", () => {
  withVars({});
  expect(sensitive(env("DB_PASSWORD", "change-me")).variable).toBe("DB_PASSWORD");
});

test("a config's content can be sensitive: the graph marks it and names the variable it came from", () => {
  withVars({ APP_CONF: "key=secret\n" });
  const stack = new Stack("app");
  new Config("app", { content: sensitive(env("APP_CONF")) });
  new Config("plain", { content: "a=1\n" });
  const graph = stack.toGraph();
  expect(graph.configs.app).toMatchObject({ content: "key=secret\n", sensitive: true, variable: "APP_CONF" });
  expect(graph.configs.plain.sensitive).toBeUndefined();
});

test("sensitiveValues lists every value given to sensitive() in the session, also of a stack that fails validation", () => {
  withVars({});
  const stack = new Stack("app");
  new Service("web", { image: "x", ports: ["70000:80"], environment: { A: sensitive("first-secret"), B: sensitive(42) } });
  expect(() => stack.toGraph()).toThrow(/host port 70000/);
  expect(sensitiveValues()).toEqual(["first-secret", "42"]);
  closeSession();
  expect(sensitiveValues()).toEqual([]);
});

test("outside a loader's session env() reads the process's environment", () => {
  closeSession();
  process.env.BERTH_TEST_ENV_READ = "from-process";
  try {
    expect(env("BERTH_TEST_ENV_READ")).toBe("from-process");
  } finally {
    delete process.env.BERTH_TEST_ENV_READ;
  }
});
