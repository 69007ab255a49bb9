// Generates the JSON schema of every construct's props from their TypeScript types, so that the
// DSL checks props at run time (a typo is caught without `tsc`) against the very types users see.
//
//   node scripts/props-schema.cjs           writes packages/dsl/src/internal/props-schema.json
//
// The schema is checked in (the DSL does no I/O and has no dependencies, so it cannot run the
// TypeScript compiler when a stack loads); packages/dsl/test/props-schema.test.ts fails when the
// checked-in file differs from what this script generates, i.e. when a props type changed and
// this script was not run.
//
// Standard JSON Schema (2020-12) plus one keyword: `"x-berth"` names a value the schema cannot
// describe — a construct (`"Service"`, `"Network"`, …: checked by brand), a `"Sensitive"` value,
// `"json"` (any JSON value, `extra`), or `"exclusive"` (a key of another variant of a union,
// typed `never` here; the DSL's own rules say which variant to choose).
const path = require("node:path");
const fs = require("node:fs");
const ts = require("typescript");

const ROOT = path.resolve(__dirname, "..");
const SRC = path.join(ROOT, "packages/dsl/src");
const OUT = path.join(SRC, "internal/props-schema.json");

/** The props type of each construct kind, and the file that declares it. */
const ROOTS = {
  service: ["service-props.ts", "ServiceProps"],
  network: ["network.ts", "NetworkProps"],
  volume: ["volume.ts", "VolumeProps"],
  secret: ["file-resources.ts", "SecretProps"],
  config: ["file-resources.ts", "ConfigProps"],
  stack: ["stack.ts", "StackProps"],
};

/**
 * String props where "" is not a value but a mistake (compose or the engine would refuse it, or
 * silently do something else); the schema says `minLength: 1`. TypeScript cannot say it.
 */
const NON_EMPTY = new Set([
  "ServiceProps.image",
  "ServiceProps.containerName",
  "ServiceProps.stopSignal",
  "BuildProps.context",
  "BuildProps.dockerfile",
  "BindMount.source",
  "BindMount.target",
  "VolumeMount.target",
  "TmpfsMount.target",
  "PortMapping.hostIp",
  "FromFile.file",
  "FromEnvironment.environment",
  "NetworkProps.driver",
  "NetworkProps.externalName",
  "VolumeProps.driver",
  "VolumeProps.externalName",
  "FromExternal.externalName",
]);

/** Types that stand for values checked by brand, not by shape. */
const BRANDED = new Set(["Service", "Network", "Volume", "Secret", "Config", "Stack", "Sensitive"]);

function generate() {
  const files = [...new Set(Object.values(ROOTS).map(([f]) => path.join(SRC, f)))];
  const program = ts.createProgram(files, { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const defs = {};

  function declaredInDsl(symbol) {
    return (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(SRC.split(path.sep).join("/")));
  }

  function doc(symbol) {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    return text ? { description: text } : {};
  }

  function literalUnion(types) {
    const values = types.map((t) => (t.isStringLiteral() || t.isNumberLiteral() ? t.value : undefined));
    return values.every((v) => v !== undefined) ? { enum: values } : undefined;
  }

  /** The checker orders a union's members by type id; messages should list them as the user's docs do. */
  function inDeclarationOrder(type, literals) {
    const node = type.aliasSymbol?.declarations?.[0]?.type;
    if (!node || !ts.isUnionTypeNode(node)) return literals;
    const order = node.types.map((t) =>
      ts.isLiteralTypeNode(t) && (ts.isStringLiteral(t.literal) || ts.isNumericLiteral(t.literal)) ? t.literal.text : undefined,
    );
    const rank = (t) => {
      const i = order.indexOf(String(t.value));
      return i < 0 ? order.length : i;
    };
    return [...literals].sort((a, b) => rank(a) - rank(b));
  }

  function union(type) {
    let members = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    const hasTrue = members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === "true");
    const hasFalse = members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === "false");
    const schemas = [];
    if (hasTrue && hasFalse) {
      schemas.push({ type: "boolean" });
      members = members.filter((t) => !(t.flags & ts.TypeFlags.BooleanLiteral));
    }
    const literals = members.filter((t) => t.isStringLiteral() || t.isNumberLiteral());
    if (literals.length > 0) schemas.push(literalUnion(inDeclarationOrder(type, literals)));
    for (const t of members) if (!(t.isStringLiteral() || t.isNumberLiteral())) schemas.push(toSchema(t));
    return schemas.length === 1 ? schemas[0] : { anyOf: schemas };
  }

  function objectSchema(type, owner) {
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    const props = checker.getPropertiesOfType(type);
    if (index && props.length === 0) return { type: "object", additionalProperties: toSchema(index.type) };
    const properties = {};
    const required = [];
    for (const prop of props) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      // The written type keeps its alias (and so the order of its literals); the symbol's type adds `undefined`.
      const written = decl?.type ? checker.getTypeFromTypeNode(decl.type) : checker.getTypeOfSymbolAtLocation(prop, decl);
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
      const never = (written.flags & ts.TypeFlags.Never) !== 0;
      const minLength = NON_EMPTY.has(`${owner}.${prop.name}`) ? { minLength: 1 } : {};
      properties[prop.name] = never ? { "x-berth": "exclusive", ...doc(prop) } : { ...toSchema(written), ...minLength, ...doc(prop) };
      if (!optional) required.push(prop.name);
    }
    return { type: "object", properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
  }

  /** `on-failure:${number}` → `^on-failure:-?[0-9]+(\\.[0-9]+)?$`. */
  function templatePattern(type) {
    const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const hole = (t) => (t.flags & ts.TypeFlags.Number ? "-?[0-9]+(\\.[0-9]+)?" : ".*");
    return "^" + type.texts.map((text, i) => escape(text) + (i < type.types.length ? hole(type.types[i]) : "")).join("") + "$";
  }

  function toSchema(type) {
    const alias = type.aliasSymbol?.name;
    if (alias === "JsonValue") return { "x-berth": "json" };
    const symbol = type.getSymbol();
    if (symbol && BRANDED.has(symbol.name) && declaredInDsl(symbol)) return { "x-berth": symbol.name };
    const f = type.flags;
    if (f & ts.TypeFlags.String) return { type: "string" };
    if (f & ts.TypeFlags.Number) return { type: "number" };
    if (f & ts.TypeFlags.Boolean) return { type: "boolean" };
    if (f & ts.TypeFlags.Null) return { type: "null" };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.value };
    if (f & ts.TypeFlags.BooleanLiteral) return { const: checker.typeToString(type) === "true" };
    if (f & ts.TypeFlags.TemplateLiteral) return { type: "string", pattern: templatePattern(type) };
    if (type.isUnion()) return union(type);
    if (checker.isArrayType(type) || checker.isTupleType(type)) return { type: "array", items: toSchema(checker.getTypeArguments(type)[0]) };
    if (f & ts.TypeFlags.Object) {
      const name = symbol && declaredInDsl(symbol) && /^[A-Z]/.test(symbol.name) ? symbol.name : undefined;
      if (!name) return objectSchema(type);
      if (!defs[name]) {
        defs[name] = {};
        defs[name] = { ...doc(symbol), ...objectSchema(type, name) };
      }
      return { $ref: `#/$defs/${name}` };
    }
    throw new Error(`props-schema: cannot describe type ${checker.typeToString(type)}`);
  }

  const constructs = {};
  for (const [kind, [file, name]] of Object.entries(ROOTS)) {
    const source = program.getSourceFile(path.join(SRC, file));
    const decl = source.statements.find((s) => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name);
    if (!decl) throw new Error(`props-schema: ${name} not found in ${file}`);
    const type = checker.getTypeAtLocation(decl.name);
    constructs[kind] = type.isUnion() ? union(type) : toSchema(type);
    if (constructs[kind].$ref === undefined && !type.isUnion()) {
      defs[name] = { ...doc(checker.getSymbolAtLocation(decl.name)), ...constructs[kind] };
      constructs[kind] = { $ref: `#/$defs/${name}` };
    }
  }
  const sortedDefs = Object.fromEntries(
    Object.keys(defs)
      .sort()
      .map((k) => [k, defs[k]]),
  );
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $comment: "Generated by scripts/props-schema.cjs from the props types in packages/dsl/src; do not edit.",
    properties: constructs,
    $defs: sortedDefs,
  };
  return JSON.stringify(schema, null, 2) + "\n";
}

module.exports = { generate, OUT };

if (require.main === module) {
  fs.writeFileSync(OUT, generate());
  process.stdout.write(`wrote ${path.relative(ROOT, OUT)}\n`);
}
