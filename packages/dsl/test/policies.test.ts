// Wall time: ~0.2 s (pure: no I/O).
import { Construct, Service, Stack, Volume, openSession, type Graph } from "@berth/dsl";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

// The two rules of the README, as written there.
const noLatest = (service: Service) => {
  const image = service.props.image;
  const tag = image && /^(?:.*\/)?[^/:]+:([^/:]+)/.exec(image)?.[1];
  return image && (!tag || tag === "latest") ? `image "${image}": pin a version, not :latest` : undefined;
};
const publishedNeedsHealthcheck = (service: Service, { graph }: { graph: Graph }) => {
  const spec = graph.services[service.name];
  const published = spec?.ports?.some((p) => p.published !== undefined);
  return published && !spec.healthcheck ? "publishes a port but has no healthcheck" : undefined;
};

test("a rule added to the stack applies to every service, also those made later and inside components; each violation is a located error", () => {
  const stack = new Stack("shop");
  stack.addRule(Service.isService, noLatest); // rule-line
  new Service("web", { image: "nginx:latest" }); // web-line
  new Service("db", { image: "postgres:16" });
  new Service("mirror", { image: "registry:5000/team/app:1.2" });
  new Service(new Construct(stack, "blue"), "cache", { image: "redis" }); // cache-line

  const lines = problemLines(stack);

  expect(lines).toEqual([
    expect.stringMatching(
      new RegExp(
        `^${at(__filename, "web-line")}\\d+: service "web": image "nginx:latest": pin a version, not :latest \\(rule at ${at(__filename, "rule-line")}\\d+\\)$`,
      ),
    ),
    expect.stringMatching(
      new RegExp(
        `^${at(__filename, "cache-line")}\\d+: service "blue-cache": image "redis": pin a version, not :latest \\(rule at .*\\); in Construct "blue" at `,
      ),
    ),
  ]);
});

test("the healthcheck rule reads the graph: a published port needs a healthcheck, an exposed one does not", () => {
  const stack = new Stack("shop");
  stack.addRule(Service.isService, publishedNeedsHealthcheck);
  new Service("web", { image: "nginx:1.27", ports: ["127.0.0.1:8080:80"] });
  new Service("api", { image: "nginx:1.27", ports: ["127.0.0.1:8081:80"], healthcheck: { test: "wget -q -O- localhost" } });
  new Service("db", { image: "postgres:16", expose: [5432] });
  expect(problemLines(stack)).toEqual([expect.stringMatching(/: service "web": publishes a port but has no healthcheck \(rule at /)]);
});

test("stack.addValidation checks the whole stack; a component's addValidation checks itself and is reported at the user's new …(…) line", () => {
  class Replicated extends Construct {
    constructor(scope: Construct, id: string, count: number) {
      super(scope, id);
      for (let i = 0; i < count; i++) new Service(this, `r${i}`, { image: "busybox:1.36" });
      this.addValidation(() => (count < 2 ? `needs at least 2 replicas, got ${count}` : undefined));
    }
  }
  const stack = new Stack("shop");
  stack.addValidation((_stack, { graph }) => (Object.keys(graph.services).length > 2 ? [`has ${Object.keys(graph.services).length} services; at most 2`] : []));
  new Replicated(stack, "ok", 2);
  new Replicated(stack, "lonely", 1); // lonely

  const lines = problemLines(stack);

  expect(lines).toHaveLength(2);
  expect(lines).toContainEqual(expect.stringMatching(/: stack "shop": has 3 services; at most 2$/));
  expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${at(__filename, "lonely")}\\d+: component "lonely": needs at least 2 replicas, got 1$`)));
});

test("a rule may target any kind through a type guard, and one that throws is reported as a problem, not a crash", () => {
  const stack = new Stack("shop");
  stack.addRule(Volume.isVolume, (v) => (v.props.driver === undefined ? "set a driver" : undefined));
  stack.addRule(Service.isService, () => {
    throw new Error("boom");
  });
  new Volume("data");
  new Service("web", { image: "nginx:1.27" });
  expect(problemLines(stack)).toEqual([
    expect.stringMatching(/: volume "data": set a driver \(rule at /),
    expect.stringMatching(/: service "web": the check threw: boom \(rule at /),
  ]);
});

test("built-in problems and policy violations are reported together, in one error", () => {
  const stack = new Stack("shop");
  stack.addRule(Service.isService, noLatest);
  new Service("web", { image: "nginx:latest", ports: ["70000:80"] });
  const lines = problemLines(stack);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain('ports[0] "70000:80"');
  expect(lines[1]).toContain("not :latest");
});

test("a rule on a component applies below it only", () => {
  const stack = new Stack("shop");
  const strict = new Construct(stack, "strict");
  strict.addRule(Service.isService, noLatest);
  new Service(strict, "web", { image: "nginx:latest" });
  new Service(stack, "free", { image: "nginx:latest" });
  expect(problemLines(stack)).toEqual([expect.stringMatching(/service "strict-web": image "nginx:latest": pin a version/)]);
});
