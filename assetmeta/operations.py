"""What each write does to one asset, in terms of requests, journal entries and results.

The library layer under the commands: it knows the platform client and the journal, never
the terminal. Every write that changes something is journaled before it is sent, so
`assetmeta undo` can always go back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import ApiError, AssetmetaError, ExitCode, NotFoundError
from .journal import Journal, JournalEntry
from .metadata import Changes, apply_merge, apply_replace, diff
from .types import Metadata, MetaValue, Patch

if TYPE_CHECKING:
    from .client import Platform



@dataclass
class Result:
    asset_id: str
    action: str  # "changed", "unchanged", "sent" (not compared: --no-journal)
    changes: Changes | None = None
    before: Metadata | None = None
    after: Metadata | None = None
    sent: Patch | None = None
    notes: list[str] = field(default_factory=list)


class ReplaceFailed(AssetmetaError):
    """A replace that did not complete; the message says what state the asset is in."""

    def __init__(self, message: str, exit_code: ExitCode, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.exit_code = exit_code


class PutUnsupported(AssetmetaError):
    exit_code = ExitCode.FAILURE


class Writer:
    def __init__(
        self, platform: Platform, journal: Journal | None, command: str, target: str | None = None
    ) -> None:
        self.platform = platform
        # Which platform the journal entries belong to (the sandbox's port changes every run).
        self.target = target or platform.base_url
        self.journal = journal
        self.command = command

    # -- journal -----------------------------------------------------------------------

    def _record(self, asset_id: str, before: Metadata, after: Metadata | None) -> str | None:
        if self.journal is None:
            return None
        entry = JournalEntry.new(
            asset_id=asset_id,
            command=self.command,
            base_url=self.target,
            before=before,
            after=after,
        )
        self.journal.append(entry)
        return entry.id

    def _mark(self, entry_id: str | None, asset_id: str, status: str) -> None:
        if self.journal is not None and entry_id is not None:
            self.journal.mark(entry_id, status, asset_id=asset_id)

    # -- merge: set and unset ------------------------------------------------------------

    def merge(
        self, asset_id: str, patch: Patch, *, compare: bool, require_keys: Sequence[str] = ()
    ) -> Result:
        """PATCH the asset. With `compare`, GET first: journal, report, skip no-ops."""
        if not compare and not require_keys:
            self.platform.patch_metadata(asset_id, patch)
            return Result(asset_id, "sent", sent=patch)
        before = self.platform.get_metadata(asset_id)
        missing = [key for key in require_keys if key not in before]
        if missing:
            raise NotFoundError(f"{asset_id}: not set: {', '.join(missing)}")
        after = apply_merge(before, patch)
        changes = diff(before, after, asked=list(patch))
        if not changes.any:
            return Result(asset_id, "unchanged", changes, before, after)
        entry_id = self._record(asset_id, before, after) if compare else None
        self._send_marked(entry_id, asset_id, lambda: self.platform.patch_metadata(asset_id, patch))
        return Result(asset_id, "changed", changes, before, after, sent=patch)

    def _send_marked(
        self, entry_id: str | None, asset_id: str, send: Callable[[], object]
    ) -> None:
        try:
            send()
        except BaseException as exc:
            self._mark_failure(entry_id, asset_id, exc)
            raise
        self._mark(entry_id, asset_id, "done")

    def _mark_failure(self, entry_id: str | None, asset_id: str, exc: BaseException) -> None:
        """A refusal changed nothing: "failed". After a timeout, a 5xx or a lost answer the
        write may have taken effect, so the entry stays "pending" and undo still sees it."""
        if _refused(exc):
            self._mark(entry_id, asset_id, "failed")

    # -- clear ---------------------------------------------------------------------------

    def clear(self, asset_id: str) -> Result:
        before = self.platform.get_metadata(asset_id)
        if not before:
            return Result(asset_id, "unchanged", diff(before, {}), before, {})
        entry_id = self._record(asset_id, before, {})
        self._send_marked(entry_id, asset_id, lambda: self.platform.delete_metadata(asset_id))
        return Result(asset_id, "changed", diff(before, {}), before, {})

    # -- replace -------------------------------------------------------------------------

    def replace(
        self,
        asset_id: str,
        values: Mapping[str, MetaValue | None],
        *,
        strategy: str = "delete-patch",
        current: Metadata | None = None,
    ) -> Result:
        """Make the stored metadata exactly `values`, or leave it as it was and say so.
        `current` is the metadata just read, when the caller has it (saves the GET)."""
        wanted = apply_replace(values)
        before = self.platform.get_metadata(asset_id) if current is None else current
        changes = diff(before, wanted)
        if not changes.any:
            return Result(asset_id, "unchanged", changes, before, wanted)
        entry_id = self._record(asset_id, before, wanted)
        if strategy in ("put", "auto"):
            try:
                self.platform.put_metadata(asset_id, wanted)
            except ApiError as exc:
                if not _route_missing(exc):
                    self._mark_failure(entry_id, asset_id, exc)
                    raise
                if strategy == "put":
                    self._mark(entry_id, asset_id, "failed")
                    raise PutUnsupported(
                        f"{asset_id}: the server has no PUT route for metadata (HTTP {exc.status});"
                        " nothing was changed",
                        hint="use --strategy delete-patch, or --strategy auto to fall back",
                    ) from None
            else:
                self._mark(entry_id, asset_id, "done")
                return Result(asset_id, "changed", changes, before, wanted, sent=dict(wanted))
        notes = self._delete_then_patch(asset_id, before, wanted, entry_id)
        return Result(asset_id, "changed", changes, before, wanted, sent=dict(wanted), notes=notes)

    def _delete_then_patch(
        self, asset_id: str, before: Metadata, wanted: Metadata, entry_id: str | None
    ) -> list[str]:
        """DELETE, then PATCH the new set; the notes say what may still go wrong."""
        step = "DELETE"
        late: list[str] = []  # requests that went unanswered and may be applied late
        try:
            if self.platform.delete_metadata(asset_id):
                late.append("DELETE")
            step = "PATCH"
            if wanted:
                self.platform.patch_metadata(asset_id, dict(wanted))
        except (AssetmetaError, KeyboardInterrupt) as exc:
            # An interrupt leaves the request it cut short in flight, unanswered like a timeout.
            if isinstance(exc, KeyboardInterrupt) or getattr(exc, "unanswered", False):
                late.append(step)
            raise self._roll_back(asset_id, before, wanted, entry_id, step, exc, late) from None
        self._mark(entry_id, asset_id, "done")
        if "DELETE" not in late:
            return []
        return [
            "a DELETE went unanswered and was sent again; if the platform applies it late, "
            f"the metadata ends up empty: check with 'assetmeta show {asset_id}' "
            "and replace again if it is"
        ]

    def _roll_back(
        self,
        asset_id: str,
        before: Metadata,
        wanted: Metadata,
        entry_id: str | None,
        step: str,
        cause: BaseException,
        late: list[str],
    ) -> ReplaceFailed:
        """The replace broke after the snapshot: put the snapshot back with one PATCH that
        merges it over whatever is there and deletes the keys only the new set has, so it is
        right whether the DELETE took effect or not, and whether the PATCH took effect or not
        (a failure answered after the server applied it, or a lost answer).

        A request that went unanswered may still be applied after that PATCH, which no
        client can prevent: then the entry stays "pending" (undo takes it) and the user is
        told to look."""
        interrupted = isinstance(cause, KeyboardInterrupt)
        code = (
            ExitCode.INTERRUPTED if interrupted else getattr(cause, "exit_code", ExitCode.FAILURE)
        )
        reason = "interrupted" if interrupted else _without_id(str(cause), asset_id)
        try:
            restore: Patch = {key: None for key in wanted if key not in before}
            restore.update(before)
            if restore:
                self.platform.patch_metadata(asset_id, restore)
        except (AssetmetaError, KeyboardInterrupt) as restore_error:
            # The entry stays "pending": the metadata may be anything now, and undo restores it.
            return ReplaceFailed(
                f"{asset_id}: {self.command} failed at {step} ({reason}) and restoring the "
                f"previous metadata failed too ({_without_id(str(restore_error), asset_id)}); "
                "its metadata may now be empty",
                code,
                hint=f"the previous metadata is in the journal: run 'assetmeta undo {asset_id}'",
            )
        if late:
            unanswered = " and ".join(dict.fromkeys(late))
            return ReplaceFailed(
                f"{asset_id}: {self.command} failed at {step} ({reason}); the previous metadata "
                f"was put back, but the platform may still apply the unanswered {unanswered} "
                "after that",
                code,
                hint=f"check with 'assetmeta show {asset_id}'; 'assetmeta undo {asset_id}' "
                "restores the previous metadata from the journal",
            )
        self._mark(entry_id, asset_id, "rolled-back")
        if _refused(cause):
            hint = "nothing changed; the platform refused the new metadata: correct it and retry"
        elif interrupted:
            hint = "nothing changed"
        else:
            hint = "nothing changed; run the command again when the platform answers"
        return ReplaceFailed(
            f"{asset_id}: {self.command} failed at {step} ({reason}); the previous metadata was "
            "restored",
            code,
            hint=hint,
        )


def _without_id(message: str, asset_id: str) -> str:
    """A cause's message, inside one that already names the asset."""
    prefix = f"{asset_id}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _refused(exc: BaseException) -> bool:
    """The platform answered no (a 4xx other than timeout, conflict or rate limit)."""
    if not isinstance(exc, ApiError) or exc.status is None:
        return False
    return 400 <= exc.status < 500 and exc.status not in (408, 409, 429)


def _route_missing(exc: ApiError) -> bool:
    """A 404 or 405 to the PUT means an older server. Even a 404 that reads "no such asset":
    the asset was just read, and an unknown route may answer like an unknown asset. (Were the
    asset deleted in between, the fallback's DELETE would then answer 404 for it.)"""
    return exc.status in (404, 405)
