"""A real SMTP server for the real-window tests: aiosmtpd in this process, on a free loopback port,
keeping every message it accepts in a list. No TLS and no login, like a relay on this computer, which
is what Paydesk allows plain (unencrypted) SMTP for, so the window needs no extra setting to use it.

    with MailSink() as sink:
        ...  # the app sends to 127.0.0.1:sink.port
        message = sink.wait_for(lambda m: "owner@example.com" in m.rcpt_tos)

The `smtp_server` fixture in conftest.py starts one per test. aiosmtpd comes from the venv that
scripts/e2e.sh makes.
"""

import socket
import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Callable

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One accepted message: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


class _Keeper:
    """The aiosmtpd handler: keeps what arrives."""

    def __init__(self, sink: "MailSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode()
        message = BytesParser(policy=policy.default).parsebytes(raw)
        self.sink._add(Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        return "250 2.0.0 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailSink:
    host = "127.0.0.1"

    def __init__(self):
        self.messages: list[Received] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None
        self.port = 0

    def _add(self, received: Received) -> None:
        with self._arrived:
            self.messages.append(received)
            self._arrived.notify_all()

    def start(self) -> "MailSink":
        # The port is chosen here and handed to aiosmtpd (whose readiness check can't use port 0);
        # another process could take it in between, so try a few.
        last: Exception | None = None
        for _ in range(5):
            port = _free_port()
            controller = Controller(_Keeper(self), hostname=self.host, port=port, server_hostname="localhost")
            try:
                controller.start()
            except Exception as e:  # noqa: BLE001 - the port was taken: try another
                last = e
                continue
            self._controller, self.port = controller, port
            return self
        raise RuntimeError(f"couldn't start the SMTP server on loopback: {last}")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "MailSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_for(self, matches: Callable[[Received], bool], timeout: float = 30.0) -> Received:
        """The first message `matches` accepts, waiting up to `timeout` seconds for it to arrive."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = next((m for m in self.messages if matches(m)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [(m.rcpt_tos, m.subject) for m in self.messages]
                    raise TimeoutError(f"no matching message within {timeout}s; received: {got}")
                self._arrived.wait(left)
