// Wall time: ~0.2 s (pure: no I/O).
import { Construct, Service, Stack, openSession, sensitive } from "@berth/dsl";

beforeEach(() => openSession({ defaultProject: "test" }));

test("stack labels and environment apply to every service, a service's own value of the same key wins", () => {
  const stack = new Stack("shop", { labels: { team: "payments", tier: "stack" }, environment: { LOG_LEVEL: "info", REGION: "eu" } });
  new Service("web", { image: "nginx:1.27", labels: { tier: "front" }, environment: { LOG_LEVEL: "debug" } });
  new Service("db", { image: "postgres:16" });

  const { services } = stack.toGraph();

  expect(services.web.labels).toEqual({ team: "payments", tier: "front" });
  expect(services.web.environment).toEqual({ LOG_LEVEL: "debug", REGION: "eu" });
  expect(services.db.labels).toEqual({ team: "payments", tier: "stack" });
  expect(services.db.environment).toEqual({ LOG_LEVEL: "info", REGION: "eu" });
});

test("a default restart policy applies to every service that sets none, also inside components", () => {
  const stack = new Stack("shop", { restart: "unless-stopped" });
  new Service("web", { image: "nginx:1.27" });
  new Service("job", { image: "busybox", restart: "no" });
  new Service(new Construct(stack, "blue"), "db", { image: "postgres:16" });

  const { services } = stack.toGraph();

  expect(services.web.restart).toBe("unless-stopped");
  expect(services.job.restart).toBe("no");
  expect(services["blue-db"].restart).toBe("unless-stopped");
});

test("a sensitive stack-wide variable stays sensitive in every service", () => {
  const stack = new Stack("shop", { environment: { API_TOKEN: sensitive("t0ken") } });
  new Service("web", { image: "nginx:1.27" });
  expect(stack.toGraph().services.web).toMatchObject({ environment: { API_TOKEN: "t0ken" }, sensitive: ["environment.API_TOKEN"] });
});

test("without stack props a service's graph entry is unchanged", () => {
  const stack = new Stack("shop");
  const props = { image: "nginx:1.27", labels: { a: "1" } };
  const web = new Service("web", props);
  expect(web.props).toBe(props);
  expect(stack.toGraph().services.web).toMatchObject({ labels: { a: "1" } });
  expect(stack.toGraph().services.web.restart).toBeUndefined();
  expect(stack.toGraph().services.web.environment).toBeUndefined();
});
