#!/usr/bin/env python3
"""A tool that does not run the CTA SDK: it talks to cta-bridge over Standard Webhooks only.

Standard library only (hmac, hashlib, http.server, urllib). It listens on 127.0.0.1 for the
webhooks the bridge delivers, verifies each (HMAC-SHA256, timestamp within 5 minutes, no webhook-id
twice) and prints it as a JSON line {"received": ...}. Each JSON line on stdin is a command:
{"post": <body>, "to": <bridge webhook URL>} signs <body> and posts it, printing
{"posted": <status>, "answer": <JSON answer>}; {"fail": n} answers the next n webhooks 503 (to
show the bridge's retries). Options: --secret whsec_... (required).
"""
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE = 300


def secret_bytes(secret):
    return base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)


def sign(key, msg_id, timestamp, body):
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def emit(line):
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


FAILING = [0]


def serve(key):
    seen = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def refuse(self, status, code):
            body = json.dumps({"code": code}).encode()
            self.send_response(status)
            self.send_header("content-type", "application/problem+json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("content-length", "0"))
            if length > 256 * 1024:
                return self.refuse(413, "too large")
            body = self.rfile.read(length)
            msg_id = self.headers.get("webhook-id", "")
            stamp = self.headers.get("webhook-timestamp", "")
            given = self.headers.get("webhook-signature", "").split(" ")
            if not stamp.isdigit() or abs(time.time() - int(stamp)) > TOLERANCE:
                return self.refuse(400, "stale")
            expected = sign(key, msg_id, stamp, body)
            if not any(hmac.compare_digest(expected, g) for g in given):
                return self.refuse(401, "signature")
            with lock:
                if FAILING[0] > 0:
                    FAILING[0] -= 1
                    return self.refuse(503, "failing on purpose")
                duplicate = msg_id in seen
                seen.add(msg_id)
            self.send_response(204)
            self.end_headers()
            if not duplicate:
                emit({"received": json.loads(body), "webhookId": msg_id})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def post(key, url, payload):
    body = json.dumps(payload).encode()
    msg_id = "msg_" + uuid.uuid4().hex
    stamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": stamp,
        "webhook-signature": sign(key, msg_id, stamp, body),
    })
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"null")


def main():
    secret = sys.argv[sys.argv.index("--secret") + 1]
    key = secret_bytes(secret)
    server = serve(key)
    emit({"webhook": f"http://127.0.0.1:{server.server_address[1]}/webhook"})
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if "fail" in command:
            FAILING[0] = int(command["fail"])
            emit({"failing": FAILING[0]})
            continue
        status, answer = post(key, command["to"], command["post"])
        emit({"posted": status, "answer": answer})
    server.shutdown()


if __name__ == "__main__":
    main()
