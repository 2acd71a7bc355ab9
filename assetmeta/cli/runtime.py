"""What a command needs at run time, built once from the global options: settings,
messages on stderr, the output format, the platform client and the journal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from ..output import Terminal, choose_format, message_line
from ..secrets import mask_streams
from .options import GlobalOptions

if TYPE_CHECKING:
    from ..client import Platform
    from ..emulator import Emulator
    from ..journal import Journal
    from ..operations import Writer

SANDBOX_KEY = "sandbox-key"


class Runtime:
    def __init__(self, opts: GlobalOptions, terminal: Terminal | None = None) -> None:
        self.opts = opts
        self.terminal = terminal or Terminal.detect()
        self.quiet = bool(opts.quiet)
        self.verbose = bool(opts.verbose)
        self.settings = opts.settings()
        mask_streams(self.settings.api_key)
        for warning in self.settings.warnings:
            self.warn(warning)
        if opts.api_key is not None:
            self.warn(
                "--api-key on the command line can end up in shell history; "
                "prefer $TWELVE_LABS_API_KEY or 'assetmeta config set api_key'"
            )
        self._sandbox: Emulator | None = None

    # -- messages ----------------------------------------------------------------------

    @property
    def stdout(self) -> TextIO:
        return sys.stdout

    @property
    def stderr(self) -> TextIO:
        # Looked up each time: a progress bar redirects stderr while it is shown.
        return sys.stderr

    def info(self, text: str) -> None:
        if not self.quiet:
            self.stderr.write(message_line(text) + "\n")

    def say(self, text: str) -> None:
        """A line on stderr that --quiet does not silence: errors and their hints."""
        self.stderr.write(message_line(text) + "\n")

    def warn(self, text: str) -> None:
        self.stderr.write("warning: " + message_line(text) + "\n")

    def log(self, text: str) -> None:
        if self.verbose:
            self.stderr.write(message_line(text) + "\n")

    def output_format(self, default: str | None = None) -> str:
        asked = self.opts.output.value if self.opts.output is not None else None
        return asked or default or choose_format(None, self.terminal)

    # -- connections -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Where requests go; for --sandbox the embedded emulator (started on first use)."""
        if self.settings.sandbox:
            return self._start_sandbox().base_url
        return self.settings.base_url

    def _start_sandbox(self) -> Emulator:
        if self._sandbox is None:
            from ..emulator import Emulator, StateFileError
            from .emulator_cmd import corrupt_state

            state = self.settings.state_dir / "sandbox.json"
            try:
                self._sandbox = Emulator(state_file=state).start()
            except StateFileError as exc:
                raise corrupt_state(exc) from None
        return self._sandbox

    @contextmanager
    def platform(self) -> Iterator[Platform]:
        from ..client import Platform

        base_url = self.base_url
        key = SANDBOX_KEY if self.settings.sandbox and not self.settings.api_key else None
        client = Platform(
            base_url,
            key or self.settings.require_key(),
            timeout=self.settings.timeout,
            retries=self.settings.retries,
            max_connections=self.settings.concurrency,
            log=self.log if self.verbose else None,
        )
        try:
            yield client
        finally:
            client.close()
            if self._sandbox is not None:
                self._sandbox.stop()
                self._sandbox = None

    @property
    def target(self) -> str:
        """The platform's identity in the journal: its base URL, or the sandbox's state file."""
        if self.settings.sandbox:
            return f"sandbox:{self.settings.state_dir / 'sandbox.json'}"
        return self.settings.base_url

    def writer(self, platform: Platform, command: str) -> Writer:
        from ..operations import Writer

        return Writer(platform, self.journal(), command, self.target)

    def journal(self) -> Journal:
        from ..journal import Journal

        return Journal(self.settings.state_dir / "journal.jsonl")
