// Every name a client module imports is exported by the module it names (the browser
// would refuse to run the page otherwise), and no page entry is imported by another.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../static/kindred");
const ENTRIES = new Set(["home.js", "join.js", "chats.js", "dropin.js", "room.js", "chat.js", "dashboard.js"]);

function modules(dir = ROOT) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith(".js") ? [path] : [];
  });
}

function exportsOf(source) {
  const names = new Set();
  for (const [, name] of source.matchAll(/^export (?:async )?(?:function|class|const|let) (\w+)/gm)) names.add(name);
  for (const [, list] of source.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of list.split(",")) if (part.trim()) names.add(part.trim().split(/\s+as\s+/).pop());
  }
  return names;
}

const sources = new Map(modules().map((path) => [normalize(path), readFileSync(path, "utf8")]));

test("every imported name is exported by its module", () => {
  const problems = [];
  for (const [path, source] of sources) {
    for (const [, list, spec] of source.matchAll(/^import \{([^}]*)\} from "([^"]+)";/gms)) {
      const target = normalize(join(dirname(path), spec));
      if (!sources.has(target)) {
        problems.push(`${relative(ROOT, path)}: no module ${spec}`);
        continue;
      }
      const exported = exportsOf(sources.get(target));
      for (const part of list.split(",")) {
        const name = part.trim().split(/\s+as\s+/)[0];
        if (name && !exported.has(name)) problems.push(`${relative(ROOT, path)}: ${spec} has no export ${name}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("no module imports a page entry", () => {
  const problems = [];
  for (const [path, source] of sources) {
    for (const [, spec] of source.matchAll(/^import (?:[^"]*from )?"([^"]+)";/gms)) {
      const target = relative(ROOT, normalize(join(dirname(path), spec)));
      if (ENTRIES.has(target)) problems.push(`${relative(ROOT, path)} imports ${target}`);
    }
  }
  assert.deepEqual(problems, []);
});
