"""`history`: the journal entries of one or several assets on the current platform only
(its base URL, or the sandbox's state file); --all-platforms shows them all, with a platform
column. Nothing to show is said on stderr, naming the platform, and is not an error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assetmeta.emulator import Emulator
from assetmeta.journal import Journal, JournalEntry

from .cli_support import BARE_ID, OTHER_ID
from .conftest import Cli

ELSEWHERE = "https://api.twelvelabs.io/v1.3"


def journal(cli: Cli) -> Journal:
    return Journal(cli.state_dir / "journal.jsonl", durable=False)


def add_entry(
    cli: Cli, asset_id: str, base_url: str, *, before: Any = None, after: Any = None
) -> JournalEntry:
    entry = JournalEntry.new(
        asset_id=asset_id,
        command="set",
        base_url=base_url,
        before=before or {},
        after=after if after is not None else {"owner": "lena"},
        status="done",
    )
    journal(cli).append(entry)
    return entry


def entries(cli: Cli, *args: str) -> list[dict[str, Any]]:
    run = cli("history", *args, "-o", "json")
    assert run.code == 0, run.stderr
    listed = json.loads(run.stdout)
    assert isinstance(listed, list)
    return listed


def header(table: str) -> list[str]:
    return [word for word in table.splitlines()[0].split() if word.replace("_", "").isalpha()]


def test_only_the_current_platform_is_listed(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    add_entry(cli, asset_id, ELSEWHERE)
    assert cli("set", asset_id, "owner=lena").code == 0

    listed = entries(cli, asset_id)

    assert [(e["command"], e["base_url"]) for e in listed] == [("set", emulator.base_url)]
    assert listed[0]["asset_id"] == asset_id


def test_all_platforms_lists_every_entry_oldest_first(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    add_entry(cli, asset_id, ELSEWHERE)
    assert cli("set", asset_id, "owner=lena").code == 0

    listed = entries(cli, asset_id, "--all-platforms")

    assert [e["base_url"] for e in listed] == [ELSEWHERE, emulator.base_url]


def test_the_table_has_a_platform_column_only_for_all_platforms(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    add_entry(cli, asset_id, ELSEWHERE)
    assert cli("set", asset_id, "owner=lena").code == 0
    wide = {"COLUMNS": "160"}

    here = cli("history", asset_id, "-o", "table", env=wide)
    every = cli("history", asset_id, "-o", "table", "--all-platforms", env=wide)

    assert here.code == every.code == 0, here.stderr + every.stderr
    assert header(here.stdout) == ["time", "command", "status", "change"]
    assert ELSEWHERE not in here.stdout
    assert header(every.stdout) == ["time", "platform", "command", "status", "change"]
    assert ELSEWHERE in every.stdout and emulator.base_url in every.stdout


def test_several_ids_list_each_in_turn_with_an_asset_id_column(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    for n, target in enumerate((OTHER_ID, asset_id, OTHER_ID)):
        assert cli("set", target, f"n={n}").code == 0

    listed = entries(cli, asset_id, OTHER_ID, BARE_ID)
    table = cli("history", asset_id, OTHER_ID, "-o", "table", env={"COLUMNS": "160"})

    assert [e["asset_id"] for e in listed] == [asset_id, OTHER_ID, OTHER_ID]
    assert header(table.stdout) == ["time", "asset_id", "command", "status", "change"]
    tsv = cli("history", asset_id, OTHER_ID, "-o", "tsv").stdout.splitlines()
    assert [line.split("\t")[1] for line in tsv] == [asset_id, OTHER_ID, OTHER_ID]
    assert [line.split("\t")[-1] for line in tsv] == [e["id"] for e in listed]


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_ids_from_a_file_or_stdin(cli: Cli, emulator: Emulator, asset_id: str, source: str) -> None:
    for target in (asset_id, OTHER_ID):
        assert cli("set", target, "owner=lena").code == 0
    text = f"# to check\n{OTHER_ID}\n\n{asset_id}\n"
    (cli.cwd / "ids.txt").write_text(text, encoding="utf-8")

    if source == "file":
        run = cli("history", "--ids-from", "ids.txt", "-o", "json")
    else:
        run = cli("history", "--ids-from", "-", "-o", "json", stdin=text)

    assert run.code == 0, run.stderr
    assert [e["asset_id"] for e in json.loads(run.stdout)] == [OTHER_ID, asset_id]


def test_a_bad_id_in_a_file_fails_only_that_id(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    assert cli("set", asset_id, "owner=lena").code == 0
    (cli.cwd / "ids.txt").write_text(f"a/b\n{asset_id}\n", encoding="utf-8")

    run = cli("history", "--ids-from", "ids.txt", "-o", "json")

    assert run.code == 6
    assert [e["asset_id"] for e in json.loads(run.stdout)] == [asset_id]
    assert run.stderr.startswith("error: ") and "a/b" in run.stderr


def test_the_time_column_never_wraps(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    add_entry(cli, asset_id, emulator.base_url, after={f"key{n}": "v" for n in range(9)})
    add_entry(cli, OTHER_ID, ELSEWHERE)

    run = cli(
        "history", asset_id, OTHER_ID, "--all-platforms", "-o", "table", env={"COLUMNS": "72"}
    )

    assert run.code == 0, run.stderr
    body = run.stdout.split("━\n", 1)[1].splitlines()
    first_cells = [line.split("│")[0].strip() for line in body]
    assert [c for c in first_cells if c] == [
        e["time"] for e in entries(cli, asset_id, OTHER_ID, "--all-platforms")
    ]
    assert len(body) > 2  # the other columns did wrap


def test_nothing_here_is_said_on_stderr_naming_the_platform(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    for fmt, printed in [("json", "[]\n"), ("jsonl", ""), ("tsv", ""), ("table", "")]:
        run = cli("history", asset_id, "-o", fmt)
        assert run.code == 0, run.stderr
        assert run.stdout == printed
        assert run.stderr == f"no journal entries for {asset_id} at {emulator.base_url}\n"


def test_nothing_here_points_at_all_platforms_when_others_have_entries(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    add_entry(cli, asset_id, ELSEWHERE)
    add_entry(cli, asset_id, ELSEWHERE)

    run = cli("history", asset_id, "-o", "table")

    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert emulator.base_url in run.stderr
    assert "2 entries on other platforms" in run.stderr and "--all-platforms" in run.stderr
    assert len(entries(cli, asset_id, "--all-platforms")) == 2


def test_quiet_keeps_the_note_off_stderr(cli: Cli, asset_id: str) -> None:
    run = cli("history", asset_id, "-q")

    assert (run.code, run.stdout, run.stderr) == (0, "[]\n", "")


def test_the_sandbox_is_a_platform_of_its_own(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    assert cli("--sandbox", "set", asset_id, "owner=lena").code == 0
    target = f"sandbox:{cli.state_dir / 'sandbox.json'}"

    in_sandbox = entries(cli, "--sandbox", asset_id)
    real = cli("history", asset_id, "-o", "json")

    assert [e["base_url"] for e in in_sandbox] == [target]
    assert real.stdout == "[]\n"
    assert "1 entry on other platforms" in real.stderr
    none = cli("--sandbox", "history", OTHER_ID)
    assert none.stderr == f"no journal entries for {OTHER_ID} at {target}\n"


def test_the_change_column_escapes_control_characters(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    add_entry(cli, asset_id, emulator.base_url, after={"evil\x1b[2J": "x", "two\nlines": "y"})

    table = cli("history", asset_id, "-o", "table", env={"COLUMNS": "160"})
    tsv = cli("history", asset_id, "-o", "tsv")

    assert "\x1b" not in table.stdout and "+evil\\x1b[2J,two\\nlines" in table.stdout
    assert len(tsv.stdout.splitlines()) == 1 and "+evil\\x1b[2J,two\\nlines" in tsv.stdout


def test_the_new_flag_completes(cli: Cli) -> None:
    env = {"COMP_WORDS": "assetmeta history --all", "COMP_CWORD": "2"}
    run = cli(env={**env, "_ASSETMETA_COMPLETE": "complete_bash"})

    assert run.code == 0, run.stderr
    assert run.stdout.split() == ["--all-platforms"]
