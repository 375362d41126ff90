"""Test doubles for the malware scanner (the one edge of the world we do not own here)."""

from assessments.scanning import Verdict


class InfectedScanner:
    """Reports every file infected, as clamd does for the EICAR test file."""

    name = "test-double"
    inline = True

    def scan(self, stream) -> Verdict:
        stream.read()
        return Verdict(False, "Eicar-Test-Signature FOUND")


class SlowScanner:
    """Scans on the worker (not inline) and finds nothing."""

    name = "test-slow"
    inline = False

    def scan(self, stream) -> Verdict:
        stream.read()
        return Verdict(True, "no threat found")
