/** Jest runs the TypeScript sources directly (ts-jest, transpile only: `pnpm typecheck` checks types). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/packages", "<rootDir>/examples"],
  testMatch: ["**/test/**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  moduleNameMapper: {
    "^@berth/dsl$": "<rootDir>/packages/dsl/src/index.ts",
    "^@berth/runtime$": "<rootDir>/packages/runtime/src/index.ts",
    "^@berth/runtime/testing$": "<rootDir>/packages/runtime/src/testing.ts",
  },
  globalSetup: "<rootDir>/scripts/jest-global-setup.js",
  testTimeout: 60000,
};
