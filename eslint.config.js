import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/*.tsbuildinfo", "**/vendor/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly", process: "readonly", setTimeout: "readonly", clearTimeout: "readonly",
        setInterval: "readonly", clearInterval: "readonly", setImmediate: "readonly", queueMicrotask: "readonly",
        Buffer: "readonly", URL: "readonly", TextEncoder: "readonly", TextDecoder: "readonly",
        document: "readonly", window: "readonly", WebSocket: "readonly", location: "readonly", fetch: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // Small files (issue #14): counted in lines of code, so comments and blank lines are free.
    files: ["packages/*/src/**/*.ts"],
    rules: { "max-lines": ["error", { max: 400, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Library code writes to the console only through its package's report.ts (issue #14).
    files: ["packages/*/src/**"],
    ignores: ["packages/*/src/**/report.ts"],
    rules: { "no-console": "error" },
  },
  {
    files: ["**/test/**", "test/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
