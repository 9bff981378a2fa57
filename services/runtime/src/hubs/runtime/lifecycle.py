"""Clean shutdown: SIGTERM and SIGINT ask a loop to stop after its current step."""

from __future__ import annotations

import signal
import threading


class StopSignal:
    """Set by SIGTERM/SIGINT (or by a test); loops check it between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def install(self) -> StopSignal:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self._event.set())
        return self

    def set(self) -> None:
        self._event.set()

    @property
    def stopping(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if asked to stop meanwhile."""
        return self._event.wait(seconds)
