"""Malware scanning of evidence files: a pluggable scanner chosen in settings.

- NoopScanner: development default; marks every file clean at once.
- ClamdScanner: production; streams the file to clamd (INSTREAM) when CLAMD_ADDRESS is set.
- Tests plug in a double that reports files infected.
"""

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Verdict:
    clean: bool
    detail: str


class Scanner(Protocol):
    name: str
    inline: bool  # True: fast enough to scan inside the upload; False: a Celery task scans

    def scan(self, stream: BinaryIO) -> Verdict: ...


class NoopScanner:
    """Marks every file clean without looking: development and demos only."""

    name = "none"
    inline = True

    def scan(self, stream: BinaryIO) -> Verdict:
        return Verdict(True, "not scanned: no malware scanner is configured (development)")


class ClamdScanner:
    """Streams the file to a clamd daemon with the INSTREAM command."""

    name = "clamd"
    inline = False

    def __init__(self, address: str | None = None, timeout: float = 60.0):
        self.address = address or settings.CLAMD_ADDRESS
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.address)
            return sock
        host, _, port = self.address.rpartition(":")
        return socket.create_connection((host, int(port)), timeout=self.timeout)

    def scan(self, stream: BinaryIO) -> Verdict:
        with self._connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
        text = reply.rstrip(b"\0").decode(errors="replace")
        if text.endswith("OK"):
            return Verdict(True, "clamd: no threat found")
        if text.endswith("FOUND"):
            return Verdict(False, f"clamd: {text.split(':', 1)[-1].strip()}")
        raise OSError(f"clamd answered something unexpected: {text!r}")


def get_scanner() -> Scanner:
    return import_string(settings.EVIDENCE_SCANNER)()
