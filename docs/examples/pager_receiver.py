"""An example receiver for Kindred's crisis webhook: checks the signature, then
hands the page on (here it only prints it). Standard library only.

Run it with the same secret as Kindred's CRISIS_WEBHOOK_SECRET (or the one set
under On-call targets in the admin):

    PAGER_SECRET=... python docs/examples/pager_receiver.py 8099

and set CRISIS_WEBHOOK_URL=http://<host>:8099/page. Any 2xx answer tells
Kindred the page got through; anything else (or no answer within 5 s) makes
Kindred try again, until it does or a facilitator acknowledges the item.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ.get("PAGER_SECRET", "").encode()
#: Refuse requests older than this, so a captured request can't be replayed later.
MAX_AGE_SECONDS = 300


def signature_ok(stamp: str, signature: str, body: bytes) -> bool:
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > MAX_AGE_SECONDS:
        return False
    expected = hmac.new(SECRET, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, "sha256=" + expected)


class PageHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        stamp = self.headers.get("X-Kindred-Timestamp", "")
        signature = self.headers.get("X-Kindred-Signature", "")
        if SECRET and not signature_ok(stamp, signature, body):
            self.send_response(401)
            self.end_headers()
            return
        page = json.loads(body)
        # Hand it on: your paging service, a phone call, a chat channel...
        print(
            f"Crisis page: item {page['item']} ({page['category']}) in {page['room']}, "
            f"{page['reason']}. Open {page['dashboard']}.",
            flush=True,
        )
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8099
    HTTPServer(("0.0.0.0", port), PageHandler).serve_forever()  # noqa: S104
