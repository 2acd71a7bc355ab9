"""The shapes of metadata shared by every module."""

from __future__ import annotations

# A value the platform stores: string, integer, float, boolean, or an array of strings.
MetaValue = str | int | float | bool | list[str]
Metadata = dict[str, MetaValue]
# A merge patch: a value sets the key, None deletes it.
Patch = dict[str, MetaValue | None]

# Integers beyond this magnitude lose precision on the platform (IEEE 754 doubles).
MAX_SAFE_INTEGER = 2**53 - 1
