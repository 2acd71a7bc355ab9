"""How an API key may be shown: its last four characters, never more."""

from __future__ import annotations


def masked(key: str) -> str:
    """`…last4`: enough to tell two keys apart, too little to use. A short key is all mask."""
    return "…" + key[-4:] if len(key) > 8 else "…"


def redact(text: str, key: str) -> str:
    """`text` with every occurrence of the key masked."""
    return text.replace(key, masked(key)) if key else text
