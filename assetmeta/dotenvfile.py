"""Reading a .env file with python-dotenv, its problems told in assetmeta's words.

python-dotenv logs an unparsable line itself ("Python-dotenv could not parse statement
starting at line N"), unprefixed and once per read; here that log is silenced and the lines
are reported as one warning that names the file.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError


@dataclass(frozen=True)
class DotenvFile:
    values: Mapping[str, str | None] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def read(path: Path) -> DotenvFile:
    """The file's values; an unreadable or non-UTF-8 one is an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f".env file {path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} "
            f"at offset {exc.start})",
            hint="save it as UTF-8, or point --env-file at another file",
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read .env file {path}: {exc.strerror}") from None
    # Imported here: only worth their start-up cost when there is a file.
    from dotenv import dotenv_values
    from dotenv.parser import parse_stream

    bad = [binding.original.line for binding in parse_stream(io.StringIO(text)) if binding.error]
    log = logging.getLogger("dotenv.main")
    was_disabled, log.disabled = log.disabled, True
    try:
        values = dotenv_values(stream=io.StringIO(text))
    finally:
        log.disabled = was_disabled
    return DotenvFile(values, (_bad_lines(bad, path),) if bad else ())


def _bad_lines(lines: list[int], path: Path) -> str:
    if len(lines) == 1:
        return f".env line {lines[0]} could not be parsed and is ignored ({path})"
    listed = ", ".join(str(line) for line in lines)
    return f".env lines {listed} could not be parsed and are ignored ({path})"
