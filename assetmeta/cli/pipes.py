"""A reader of stdout that leaves early (`assetmeta export | head`) is not a failure."""

from __future__ import annotations

import os
import sys

from ..errors import ExitCode


def reader_left() -> int:
    """Point stdout at /dev/null, so the buffered rest can't fail again at exit; exit 0."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return int(ExitCode.OK)


class KeepGoing:
    """Standard output for a run whose work matters more than its output: every write. When
    the reader leaves (`assetmeta set --ids-from big.txt k=v -o jsonl | head -1`) the rest of
    the output is dropped and the batch goes on, so it never stops half done. Each line is
    flushed, so a reader downstream sees every outcome as it happens."""

    def __init__(self) -> None:
        self.reader_gone = False

    def write(self, text: str) -> None:
        if self.reader_gone:
            return
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            self.reader_gone = True
            reader_left()
