"""Merge-patch semantics and change planning: pure functions over metadata dicts.

These follow the PATCH and PUT tables of the API contract. The emulator applies them to its
store and the client uses them to predict and report what a write will change, so the two
can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .types import Metadata, MetaValue, Patch


def is_ignored(value: object) -> bool:
    """`""` and `[]` in a PATCH or PUT are no value: the stored value stays (or stays absent)."""
    return (isinstance(value, str) and value == "") or (isinstance(value, list) and not value)


def apply_merge(stored: Metadata, patch: Patch) -> Metadata:
    """PATCH: a value creates or replaces, null deletes, "" and [] are ignored, omitted keeps."""
    result = dict(stored)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif not is_ignored(value):
            result[key] = value
    return result


def apply_replace(values: Mapping[str, MetaValue | None]) -> Metadata:
    """PUT: exactly the keys with a value; "", [] and null end up absent."""
    return {k: v for k, v in values.items() if v is not None and not is_ignored(v)}


def same_value(a: MetaValue | None, b: MetaValue | None) -> bool:
    """Equal in value and JSON type: 1, 1.0 and true are three different values."""
    return type(a) is type(b) and a == b


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def diff(before: Metadata, after: Metadata, asked: list[str] | None = None) -> Changes:
    """What went from `before` to `after`; `asked` names the keys a command touched."""
    changes = Changes()
    keys = asked if asked is not None else sorted(set(before) | set(after))
    for key in keys:
        if key not in after and key in before:
            changes.removed.append(key)
        elif key in after and key not in before:
            changes.added.append(key)
        elif key in after and not same_value(before[key], after[key]):
            changes.updated.append(key)
        else:
            changes.unchanged.append(key)
    return changes


def type_name(value: MetaValue | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, list):
        return "array"
    return "string"
