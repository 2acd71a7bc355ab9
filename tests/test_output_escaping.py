"""Control characters in text output (tsv and table): a value or key holding a newline, a tab,
ESC or any other C0/C1 control can neither break a tsv row nor send an escape sequence to the
terminal. They print as visible backslash escapes; JSON output is left to json's own escaping."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assetmeta.emulator import Emulator
from assetmeta.output import escape_text, message_line

from .cli_support import BARE_ID, OTHER_ID
from .conftest import Cli

# (raw text, as a tsv cell, as a table cell)
CASES = [
    ("plain", "plain", "plain"),
    ("a\nb", "a\\nb", "a\\nb"),
    ("a\tb", "a\\tb", "a\\tb"),
    ("a\r\nb", "a\\r\\nb", "a\\r\\nb"),
    ("\x1b[2J\x1b]0;owned\x07", "\\x1b[2J\\x1b]0;owned\\x07", "\\x1b[2J\\x1b]0;owned\\x07"),
    ("nul\x00", "nul\\x00", "nul\\x00"),
    ("bs\x08", "bs\\x08", "bs\\x08"),
    ("del\x7f", "del\\x7f", "del\\x7f"),
    ("c1 csi\x9b31m", "c1 csi\\x9b31m", "c1 csi\\x9b31m"),
    ("nel\x85", "nel\\x85", "nel\\x85"),
    ("line\u2028para\u2029", "line\\u2028para\\u2029", "line\\u2028para\\u2029"),
    ("C:\\dir\\n", "C:\\\\dir\\\\n", "C:\\dir\\n"),
    ("ünïcode 日本 🎬", "ünïcode 日本 🎬", "ünïcode 日本 🎬"),
    ("[bold]x[/bold] :smile:", "[bold]x[/bold] :smile:", "[bold]x[/bold] :smile:"),
    # A byte that is not UTF-8, as Python holds it from argv (surrogateescape), and a lone
    # surrogate of any other kind: neither can be written as UTF-8.
    # Bidi embeddings, overrides and isolates, which can make text read in another order.
    (
        "bidi\u202aa\u202eb\u2066c\u2069",
        "bidi\\u202aa\\u202eb\\u2066c\\u2069",
        "bidi\\u202aa\\u202eb\\u2066c\\u2069",
    ),
    ("byte\udcff", "byte\\xff", "byte\\xff"),
    ("half\ud800", "half\\ud800", "half\\ud800"),
]
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(("raw", "tsv", "table"), CASES, ids=[repr(c[0]) for c in CASES])
def test_escape_text(raw: str, tsv: str, table: str) -> None:
    assert escape_text(raw, backslash=True) == tsv
    assert escape_text(raw) == table


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("key 'a\nb'", "key 'a\\nb'"),
        ("a\r\nb", "a\\r\\nb"),
        ("para\u2028graph\u2029", "para\\u2028graph\\u2029"),
        ("vt\x0bff\x0cnel\x85", "vt\\x0bff\\x0cnel\\x85"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
    ],
)
def test_a_message_line_escapes_line_breaks_as_tables_do(text: str, line: str) -> None:
    assert message_line(text) == line
    assert message_line(text) == escape_text(text)


@given(st.text())
def test_a_message_is_always_one_line(text: str) -> None:
    assert len(message_line(text + "x").splitlines()) == 1


def _unescape(text: str) -> str:
    named = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return named[code] if code in named else chr(int(code[1:], 16))

    return re.sub(r"\\([ntr\\]|x[0-9a-f]{2}|u[0-9a-f]{4})", one, text)


@given(st.text())
def test_a_tsv_cell_has_no_control_and_reads_back_exactly(text: str) -> None:
    cell = escape_text(text, backslash=True)
    assert not CONTROL.search(cell)
    assert _unescape(cell) == text


@given(st.text())
def test_a_table_cell_has_no_control(text: str) -> None:
    assert not CONTROL.search(escape_text(text))


NASTY = {
    "memo": "a\tb\nc",
    "title\x1b[31m": "\x1b]0;owned\x07\x1b[2Jgone",
    "path": "C:\\tmp",
    "tags": ["x\x9by", "n\nl"],
}


def test_show_tsv_keeps_one_row_per_key_and_escapes_every_control(
    cli: Cli, emulator: Emulator
) -> None:
    emulator.store.put(BARE_ID, NASTY)

    run = cli("show", BARE_ID, "-o", "tsv")

    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "memo\ta\\tb\\nc\tstring",
        "path\tC:\\\\tmp\tstring",
        # The array is compact JSON (json escapes the newline), then a tsv cell.
        'tags\t["x\\x9by","n\\\\nl"]\tarray',
        "title\\x1b[31m\t\\x1b]0;owned\\x07\\x1b[2Jgone\tstring",
    ]


def test_show_tsv_of_several_assets_escapes_too(cli: Cli, emulator: Emulator) -> None:
    emulator.store.put(BARE_ID, {"memo": "a\nb\x1b"})

    run = cli("show", BARE_ID, OTHER_ID, "-o", "tsv")

    assert run.code == 0, run.stderr
    assert f"{BARE_ID}\tmemo\ta\\nb\\x1b\tstring" in run.stdout.splitlines()
    assert "\x1b" not in run.stdout


@pytest.mark.parametrize("no_color", ["1", None], ids=["NO_COLOR", "colour-allowed"])
def test_show_table_sends_no_escape_sequence_and_shows_it_visibly(
    cli: Cli, emulator: Emulator, no_color: str | None
) -> None:
    emulator.store.put(BARE_ID, NASTY)

    run = cli("show", BARE_ID, "-o", "table", env={"NO_COLOR": no_color, "COLUMNS": "200"})

    assert run.code == 0, run.stderr
    assert not CONTROL.search(run.stdout.replace("\n", ""))
    lines = run.stdout.splitlines()
    assert any(
        "title\\x1b[31m" in line and "\\x1b]0;owned\\x07\\x1b[2Jgone" in line for line in lines
    )
    assert any("memo" in line and "a\\tb\\nc" in line for line in lines)
    assert any("C:\\tmp" in line for line in lines)  # a backslash stays single for people


def test_json_output_is_left_to_json(cli: Cli, emulator: Emulator) -> None:
    emulator.store.put(BARE_ID, NASTY)

    run = cli("show", BARE_ID, "-o", "json")

    assert json.loads(run.stdout) == NASTY
    assert "\\u001b" in run.stdout and "\x1b" not in run.stdout


@pytest.mark.parametrize("mark", ["\u061c", "\u200b", "\u200e", "\u200f", "\u2060", "\ufeff"])
def test_invisible_marks_are_shown_not_hidden(mark: str) -> None:
    from assetmeta.output import escape_text, message_line

    assert escape_text(f"a{mark}b") == f"a\\u{ord(mark):04x}b"
    assert message_line(f"key a{mark}b") == f"key a\\u{ord(mark):04x}b"


def test_the_joiners_of_emoji_and_scripts_are_kept() -> None:
    from assetmeta.output import escape_text

    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert escape_text(family) == family
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a ZWNJ inside a word
    assert escape_text(persian) == persian
