"""How an API key may be shown: its last four characters, never more."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, TextIO


def masked(key: str) -> str:
    """`…last4`: enough to tell two keys apart, too little to use. A short key is all mask."""
    return "…" + key[-4:] if len(key) > 8 else "…"


def redact(text: str, key: str) -> str:
    """`text` with every occurrence of the key masked."""
    return text.replace(key, masked(key)) if key else text


class Redacting:
    """A text stream that masks the key in everything written through it: stdout and
    stderr once the key is known, so no path (a message, a record, a dry run's URL, a
    summary) can print it, whatever put the key there (an id typed by mistake)."""

    def __init__(self, stream: TextIO, key: str) -> None:
        self._stream = stream
        self._key = key

    def write(self, text: str) -> int:
        self._stream.write(redact(text, self._key))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        # flush, fileno, isatty, encoding...: the stream's own.
        return getattr(self._stream, name)


def mask_streams(key: str | None) -> None:
    """From here on, stdout and stderr mask the key (once; a key too short to tell from
    other text is left alone, as `masked` shows it whole as '…')."""
    if not key or len(key) < 8:
        return
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, Redacting):
            setattr(sys, name, Redacting(stream, key))
