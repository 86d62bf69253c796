#!/usr/bin/env python3
"""A local stand-in for a healthchecks-style monitoring service, on 127.0.0.1.

  http_recorder.py record LOG PORTFILE   answers 200 to every request and
                                         appends "METHOD PATH BODY" to LOG
  http_recorder.py blackhole PORTFILE    listens and never accepts: a
                                         connection completes, no answer ever comes

The port (chosen by the kernel) is written to PORTFILE once the socket
listens: the test's handshake. It runs until killed (by its pid).
"""
import http.server
import socket
import sys
import time


def write_port(path, port):
    with open(path + ".tmp", "w") as f:
        f.write(f"{port}\n")
    import os
    os.rename(path + ".tmp", path)


def record(log, portfile):
    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            with open(log, "a") as f:
                f.write(f"{self.command} {self.path} {body.replace(chr(10), ' | ')}".rstrip() + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"OK")

        do_GET = do_POST = do_HEAD = answer

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    write_port(portfile, server.server_address[1])
    server.serve_forever()


def blackhole(portfile):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    write_port(portfile, s.getsockname()[1])
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(sys.argv[2], sys.argv[3])
    else:
        blackhole(sys.argv[2])
