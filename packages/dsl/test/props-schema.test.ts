// Wall time: ~3 s (one TypeScript program over packages/dsl/src).
/** The checked-in props schema is what the generator makes from today's props types. */
import * as fs from "node:fs";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generate, OUT } = require("../../../scripts/props-schema.cjs") as { generate: () => string; OUT: string };

test("props-schema.json matches the props types (run node scripts/props-schema.cjs after changing a props type)", () => {
  expect(fs.readFileSync(OUT, "utf8")).toBe(generate());
});

test("every documented prop of ServiceProps is in the schema, with its doc comment", () => {
  const schema = JSON.parse(generate()) as { $defs: Record<string, { properties: Record<string, { description?: string }> }> };
  const props = schema.$defs.ServiceProps.properties;
  expect(Object.keys(props)).toEqual(expect.arrayContaining(["image", "ports", "dependsOn", "environment", "extra"]));
  expect(props.image.description).toContain("Image to run");
});
