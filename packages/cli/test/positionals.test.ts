/** How per-service commands read their arguments: pure, no engine. */
import { parseScale, positionals } from "../src/engine";
import { sinceOf } from "../src/commands/day2";

test("a .ts/.mts/.js/.mjs argument is the stack file, a .json one a saved plan, any other a service, in any order", () => {
  expect(positionals(["web", "infra/stack.ts", "worker"])).toEqual({ file: "infra/stack.ts", plan: undefined, services: ["web", "worker"] });
  expect(positionals(["stack.mjs"])).toEqual({ file: "stack.mjs", plan: undefined, services: [] });
  expect(positionals(["plan.json"])).toEqual({ file: undefined, plan: "plan.json", services: [] });
  expect(positionals([])).toEqual({ file: undefined, plan: undefined, services: [] });
  expect(() => positionals(["a.ts", "b.ts"])).toThrow("a.ts, b.ts: expected one stack file or saved plan, not 2");
  expect(() => positionals(["plan.json", "web"])).toThrow("a saved plan is applied whole; it takes no service names (web)");
});

test("--scale takes SERVICE=N, repeatable", () => {
  expect(parseScale(["web=3", "worker=0"])).toEqual({ web: 3, worker: 0 });
  expect(parseScale(undefined)).toBeUndefined();
  expect(() => parseScale(["web:3"])).toThrow('--scale "web:3": expected SERVICE=N');
});

test("--since takes a duration before now, a date, or unix seconds", () => {
  const now = Date.parse("2024-05-01T10:00:00Z");
  expect(sinceOf("10m", now)).toBe(now / 1000 - 600);
  expect(sinceOf("1h30m", now)).toBe(now / 1000 - 5400);
  expect(sinceOf("2024-05-01T09:00:00Z", now)).toBe(now / 1000 - 3600);
  expect(sinceOf("1714550000", now)).toBe(1714550000);
  expect(sinceOf(undefined, now)).toBeUndefined();
  expect(() => sinceOf("soon", now)).toThrow('--since "soon": expected a duration like 10m');
});
