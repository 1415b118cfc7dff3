"""A text progress bar for transfers, written to a stream (the CLI's standard error)."""

import time
from typing import Optional, TextIO

MIB = 1 << 20


class ProgressBar:
    """Call it with ``(done, total)``. On a terminal one line is redrawn at most ten times a second; elsewhere (a log,
    a pipe) a line is written at every tenth of the total (every 10 MiB when the total is unknown)."""

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str):
        self._stream = stream
        self._label = label
        self._terminal = stream.isatty()
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._last_step = -1
        self._done = 0
        self._total: Optional[int] = None

    def __call__(self, done: int, total: Optional[int]) -> None:
        self._done, self._total = done, total
        if self._terminal:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or done == total:
                self._last_draw = now
                self._stream.write("\r" + self._line())
                self._stream.flush()
            return
        step = done * 10 // total if total else done // (10 * MIB)
        if step != self._last_step:
            self._last_step = step
            self._stream.write(self._line() + "\n")
            self._stream.flush()

    def finish(self) -> None:
        """Ends the terminal's line; a transfer that never called the bar writes nothing."""
        if self._terminal and self._last_draw:
            self._stream.write("\n")
            self._stream.flush()

    def _line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = f"{self._done / MIB / elapsed:6.1f} MiB/s"
        if not self._total:
            return f"{self._label} {self._done / MIB:8.1f} MiB {rate}"
        filled = self.WIDTH * self._done // self._total
        percent = 100 * self._done // self._total
        return (f"{self._label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}% "
                f"{self._done / MIB:.1f}/{self._total / MIB:.1f} MiB {rate}")
