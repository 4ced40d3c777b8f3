"""The progress bar of a batch run: whether to draw one, and standard error while it is drawn."""

from __future__ import annotations

from typing import Any, TextIO

__all__ = ["PROGRESS_MIN_BYTES", "PROGRESS_MIN_RECORDS", "BarSafe", "isatty", "show_progress"]

#: The progress bar appears above these sizes: at about 150 µs per small payload on one core,
#: about a second of work or more. Below that a bar would only flash.
PROGRESS_MIN_RECORDS = 2_000
PROGRESS_MIN_BYTES = 4 * 1024 * 1024


def isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def show_progress(*, enabled: bool, stderr_tty: bool, stdout_tty: bool, records: int, size: int) -> bool:
    """Whether to draw a progress bar on standard error.

    Only when asked (no ``--no-progress``), when standard error is a terminal and
    standard output is not (the records' own lines would tear a bar drawn on the
    same screen), and when the input is large: more than
    :data:`PROGRESS_MIN_RECORDS` payload files or more than
    :data:`PROGRESS_MIN_BYTES` bytes (JSON Lines count by their size, which is
    known without reading them).
    """
    large = records > PROGRESS_MIN_RECORDS or size > PROGRESS_MIN_BYTES
    return enabled and stderr_tty and not stdout_tty and large


class BarSafe:
    """Standard error while a bar is drawn on it: each message clears the bar first."""

    def __init__(self, stream: TextIO, tqdm: Any) -> None:
        self._stream, self._tqdm = stream, tqdm
        self.encoding = getattr(stream, "encoding", None)

    def write(self, text: str) -> None:
        with self._tqdm.external_write_mode(file=self._stream):
            self._stream.write(text)
