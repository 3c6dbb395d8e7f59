"""Static files as WhiteNoise serves them in production: content-hashed names,
brotli and gzip copies made once by ``collectstatic``, and ES module imports
rewritten to the hashed names so a browser never mixes two deploys' modules."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    # Django rewrites `import … from "./x.js";` (and `export … from`, bare
    # `import "./x.js";`, `import("./x.js")`) to hashed names behind this flag.
    # Every static import in static/kindred/ is a relative path ending in `";`,
    # which is the shape its patterns match; tests/test_static_files.py checks
    # that every import of every served module resolves to a hashed file.
    support_js_module_import_aggregation = True
