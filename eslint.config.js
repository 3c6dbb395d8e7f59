// ESLint for the browser client (static/kindred/) and its unit tests (tests/js/).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "staticfiles/", ".venv/"] },
  js.configs.recommended,
  {
    files: ["static/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_" }],
      "prefer-const": "error",
      "no-var": "error",
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      // Handles and server words go in as text; HTML only through renderBody (messages.js).
      "no-restricted-properties": ["error",
        { property: "outerHTML", message: "Build nodes (dom.js) instead." },
        { property: "insertAdjacentHTML", message: "Build nodes (dom.js) instead." }],
      "max-lines": ["error", { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    files: ["static/kindred/sw.js"],
    languageOptions: { globals: globals.serviceworker },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
];
