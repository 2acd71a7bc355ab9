"""Shell completion of metadata keys: `unset ID <TAB>` and `show ID --key <TAB>` offer the
keys the asset has. A completion must never print an error or hang the shell, so any
failure offers nothing, and the request is short-fused."""

from __future__ import annotations

import os
import shlex
from dataclasses import fields, replace
from typing import Any

from .options import GlobalOptions


def asset_keys(ctx: Any, incomplete: str) -> list[str]:
    try:
        return [key for key in _keys(_with_params(ctx)) if key.startswith(incomplete)]
    except Exception:  # completion must stay silent whatever happens
        return []


def _with_params(ctx: Any) -> Any:
    """While an option still waits for its value (`--key <TAB>`), click parses nothing of
    the command; parse the words before that option again to learn the id and flags."""
    if ctx.params.get("ids") or ctx.params.get("asset_id"):
        return ctx
    line = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS") or ""
    words = shlex.split(line)
    cword = int(os.environ.get("COMP_CWORD", len(words)))
    words = words[1:cword]
    if words and words[-1].startswith("-"):
        words = words[:-1]
    from click.shell_completion import _resolve_context

    return _resolve_context(ctx.find_root().command, {}, "assetmeta", words)


def _keys(ctx: Any) -> list[str]:
    from .runtime import Runtime

    params = dict(ctx.params)
    asset_id = params.get("asset_id") or next(iter(params.get("ids") or []), None)
    if not asset_id:
        return []
    names = {f.name for f in fields(GlobalOptions)}
    opts = GlobalOptions(**{k: v for k, v in params.items() if k in names})
    root = ctx.find_root().params
    base = GlobalOptions(**{k: v for k, v in root.items() if k in names})
    rt = Runtime(replace(opts.over(base), quiet=True, timeout="2", retries="0"))
    with rt.platform() as platform:
        return sorted(platform.get_metadata(str(asset_id)))
