"""A stand-in for the embed providers' oEmbed endpoints: a local HTTP server."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OEmbedHandler(BaseHTTPRequestHandler):
    """/ok answers as YouTube does, /bluesky as Bluesky does; /slow too late, /broken
    with a 500, /big with too much, /html with something that is not JSON."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(1.5)
        if path == "/broken":
            self.send_response(500)
            self.end_headers()
            return
        if path == "/big":
            body = json.dumps({"title": "x" * 400_000}).encode()
        elif path == "/html":
            body = b"<html>Not JSON</html>"
        elif path == "/bluesky":
            body = json.dumps(
                {
                    "author_name": "United Nations",
                    "html": '<blockquote data-bluesky-uri="at://did:plc:un4x2/app.bsky.feed.'
                    'post/3kabc"><p>Talks open.</p></blockquote>',
                }
            ).encode()
        else:
            body = json.dumps(
                {"title": "Talks in Geneva, live", "author_name": "UN", "thumbnail_url": "x"}
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def oembed_provider(settings):
    """Yields ``serve(path)``, which points the providers' oEmbed at ``path``
    of a local server (OEMBED_ENDPOINTS), with a short timeout."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), OEmbedHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.OEMBED_TIMEOUT = 0.5

    def serve(path):
        providers = ("youtube", "vimeo", "bluesky", "x")
        settings.OEMBED_ENDPOINTS = dict.fromkeys(providers, f"{base}{path}")

    try:
        yield serve
    finally:
        server.shutdown()
        server.server_close()
