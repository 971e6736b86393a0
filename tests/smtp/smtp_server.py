"""A real SMTP server for Paydesk's mail tests (aiosmtpd), listening on loopback.

Every message it accepts is written to MAILDIR as N.eml (the bytes exactly as received) beside N.json
(the envelope: MAIL FROM, RCPT TO, and the user that logged in). It prints "READY <port>" on stdout
once it listens, and exits when its stdin closes, so a test that dies never leaves it behind.

    smtp_server.py --maildir DIR [--port N]
                   [--starttls CERT KEY | --tls CERT KEY]
                   [--auth USER:PASSWORD] [--xoauth2 USER:TOKEN]

--starttls offers STARTTLS and refuses mail before it; --tls speaks TLS from the first byte (port 465
style). --auth requires AUTH PLAIN or LOGIN with that user and password; --xoauth2 requires AUTH
XOAUTH2 with that user and bearer token (and turns PLAIN and LOGIN off). AUTH is only offered over
TLS, as real servers do. Run with the venv scripts/python-tools.sh makes.
"""

import argparse
import asyncio
import base64
import json
import os
import ssl
import sys
import threading
import logging

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Maildir:
    """Stores what the server accepts, one numbered .eml + .json pair per message."""

    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        os.makedirs(directory, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_login": login_of(session.auth_data),
            # True after STARTTLS and on an implicit-TLS listener alike.
            "tls": server.transport.get_extra_info("ssl_object") is not None,
        }
        # Written under a temporary name and renamed, so a reader never sees half a message.
        write_atomically(base + ".json", json.dumps(meta).encode())
        write_atomically(base + ".eml", envelope.original_content)
        return "250 2.0.0 Message accepted for delivery"


class XOAuth2Maildir(Maildir):
    """A Maildir whose server also understands AUTH XOAUTH2 (Gmail's and Outlook's OAuth login)."""

    def __init__(self, directory, user, token):
        super().__init__(directory)
        self.user = user
        self.token = token

    async def auth_XOAUTH2(self, server, args):
        if len(args) == 2:
            blob = args[1].encode()
        else:
            blob = await server.challenge_auth("", encode_to_b64=False)
        try:
            fields = base64.b64decode(blob, validate=True).decode().split("\x01")
        except Exception:
            return AuthResult(success=False, handled=False, message="501 5.5.2 Can't decode XOAUTH2")
        values = dict(f.split("=", 1) for f in fields if "=" in f)
        if values.get("user") == self.user and values.get("auth") == "Bearer " + self.token:
            return AuthResult(success=True, auth_data=LoginPassword(self.user.encode(), b""))
        return AuthResult(success=False, handled=False, message="535 5.7.8 Username and Password not accepted")


def login_of(auth_data):
    login = getattr(auth_data, "login", None)
    return login.decode() if isinstance(login, bytes) else login


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def tls_context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def password_checker(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        # handled=False: aiosmtpd then answers a failure with 535 itself.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticate


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


async def serve(args):
    if args.xoauth2:
        user, token = args.xoauth2.split(":", 1)
        handler = XOAuth2Maildir(args.maildir, user, token)
    else:
        handler = Maildir(args.maildir)

    options = {"hostname": "localhost", "enable_SMTPUTF8": True}
    if args.starttls:
        options.update(tls_context=tls_context(*args.starttls), require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(authenticator=password_checker(user, password), auth_required=True)
    if args.xoauth2:
        options.update(
            authenticator=password_checker("", "\x00never"),
            auth_required=True,
            auth_exclude_mechanism=["PLAIN", "LOGIN"],
        )
    # With --tls the whole connection is TLS, so AUTH over it is fine.
    implicit = tls_context(*args.tls) if args.tls else None

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, loop=loop, **options),
        host="127.0.0.1",
        port=args.port,
        ssl=implicit,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    parser.add_argument("--xoauth2", metavar="USER:TOKEN")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
