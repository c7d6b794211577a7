import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Rules that need type information: they run only where a tsconfig gives it (below). */
const promiseRules = {
  "@typescript-eslint/no-floating-promises": "error",
  "@typescript-eslint/no-misused-promises": "error",
};

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/*.tsbuildinfo", "**/vendor/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        queueMicrotask: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        document: "readonly",
        window: "readonly",
        WebSocket: "readonly",
        location: "readonly",
        fetch: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
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
    // Type-aware rules (issue #14): a promise is awaited, returned, handled, or handed to `void` with a comment
    // saying why fire-and-forget is intended; no promise where a callback's result is ignored. Library code and
    // the examples through their own tsconfig (the project service).
    files: ["packages/*/src/**/*.ts", "examples/*/src/**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: promiseRules,
  },
  {
    // The same for tests, through one program (tsconfig.test.json) rather than one per package.
    files: ["packages/*/test/**/*.ts", "test/**/*.ts", "examples/*/test/**/*.ts"],
    languageOptions: {
      parserOptions: { project: "./tsconfig.test.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: promiseRules,
  },
  {
    // One debug-logger idiom (docs/debugging.md): `import createDebug from "debug"`, `const debug = createDebug(…)`.
    files: ["packages/*/src/**/*.ts"],
    ignores: ["packages/*/src/**/log.ts", "packages/*/src/**/log.browser.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "ImportDeclaration[source.value='debug'] > ImportDefaultSpecifier[local.name!='createDebug']",
          message: "Import the debug factory as `createDebug` (docs/debugging.md).",
        },
        {
          selector: "VariableDeclarator[init.callee.name='createDebug'][id.name!='debug']",
          message: "Name the module's logger `debug` (docs/debugging.md).",
        },
      ],
    },
  },
  {
    files: ["**/test/**", "test/**", "bench/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
