"""A small OAuth 2.0 authorization server for Paydesk's "Sign in with…" tests, on loopback.

It plays Google or Microsoft just far enough: /authorize signs the "user" in at once and redirects
to the app's loopback address with a code; /token exchanges that code (checking the PKCE verifier,
the redirect address and the client) and refreshes tokens. Access tokens are issued in order:
access-1, access-2, …; the refresh token is refresh-1. Prints "READY <port>" on stdout and exits
when its stdin closes. Standard library only.

    oauth_server.py --client-id ID [--client-secret S] [--deny] [--expires-in SECONDS]

--deny answers every sign-in with error=access_denied (the user pressed Cancel).
POST /revoke makes the refresh token invalid (invalid_grant), as when the user withdraws access.
"""

import argparse
import base64
import hashlib
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.codes = {}  # code -> (challenge, redirect_uri)
        self.issued = 0
        self.refresh_valid = True
        self.log = []  # what happened, for tests to read at /log


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body, content_type="application/json", headers=()):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def error(self, status, code, description):
            self.reply(status, json.dumps({"error": code, "error_description": description}))

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/log":
                return self.reply(200, json.dumps(state.log))
            if url.path != "/authorize":
                return self.reply(404, "not found", "text/plain")
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            redirect = q.get("redirect_uri", "")
            problems = []
            if q.get("response_type") != "code":
                problems.append("response_type")
            if q.get("client_id") != state.args.client_id:
                problems.append("client_id")
            if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                problems.append("pkce")
            if not redirect.startswith("http://127.0.0.1:"):
                problems.append("redirect_uri")
            if not q.get("state"):
                problems.append("state")
            with state.lock:
                state.log.append({"authorize": q, "problems": problems})
            if problems:
                return self.reply(400, "bad request: " + ", ".join(problems), "text/plain")
            if state.args.deny:
                params = {"error": "access_denied", "state": q["state"]}
            else:
                code = base64.urlsafe_b64encode(os.urandom(12)).decode()
                with state.lock:
                    state.codes[code] = (q["code_challenge"], redirect)
                params = {"code": code, "state": q["state"]}
            self.reply(302, "", "text/plain", [("Location", redirect + "?" + urlencode(params))])

        def do_POST(self):
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if url.path == "/revoke":
                with state.lock:
                    state.refresh_valid = False
                return self.reply(200, "{}")
            if url.path != "/token":
                return self.reply(404, "not found", "text/plain")
            with state.lock:
                state.log.append({"token": {k: v for k, v in form.items() if k == "grant_type"}})
            if form.get("client_id") != state.args.client_id:
                return self.error(401, "invalid_client", "unknown client")
            if state.args.client_secret and form.get("client_secret") != state.args.client_secret:
                return self.error(401, "invalid_client", "wrong client secret")
            grant = form.get("grant_type")
            if grant == "authorization_code":
                with state.lock:
                    found = state.codes.pop(form.get("code", ""), None)
                if not found:
                    return self.error(400, "invalid_grant", "unknown code")
                challenge, redirect = found
                verifier = form.get("code_verifier", "")
                digest = hashlib.sha256(verifier.encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                    return self.error(400, "invalid_grant", "PKCE verifier doesn't match")
                if form.get("redirect_uri") != redirect:
                    return self.error(400, "invalid_grant", "redirect_uri doesn't match")
                return self.tokens(with_refresh=True)
            if grant == "refresh_token":
                if form.get("refresh_token") != "refresh-1" or not state.refresh_valid:
                    return self.error(400, "invalid_grant", "Token has been expired or revoked.")
                return self.tokens(with_refresh=False)
            return self.error(400, "unsupported_grant_type", grant or "")

        def tokens(self, with_refresh):
            with state.lock:
                state.issued += 1
                n = state.issued
            body = {
                "access_token": f"access-{n}",
                "token_type": "Bearer",
                "expires_in": state.args.expires_in,
            }
            if with_refresh:
                body["refresh_token"] = "refresh-1"
            self.reply(200, json.dumps(body), headers=[("Cache-Control", "no-store")])

    return Handler


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret")
    parser.add_argument("--deny", action="store_true")
    parser.add_argument("--expires-in", type=int, default=3600)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(State(args)))
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
