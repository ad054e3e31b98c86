"""Stand-in for an emulator/service process in devstack tests: serves 200 on every GET
(after --delay seconds; never with --never-ready) and dumps its environment to --env-out."""

import argparse
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--name", required=True)
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int)
parser.add_argument("--env-out")
parser.add_argument("--never-ready", action="store_true")
args = parser.parse_args()

port = args.port or int(os.environ["NECTAR_SERVICE_HTTP_PORT"])
if args.env_out:
    with open(args.env_out, "w") as fh:
        json.dump({"env": dict(os.environ), "started": time.time()}, fh)
print(f"fake {args.name} listening on {port}", flush=True)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(503 if args.never_ready else 200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *a: object) -> None:
        pass


ThreadingHTTPServer((args.host, port), Handler).serve_forever()
