"""`assetmeta demo`: the main commands, run for real against a fresh sandbox.

Each step is a real `assetmeta --sandbox ...` process, printed as a user would type it, so
the demo shows exactly what a shell or a CI script gets.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile

from ..errors import AssetmetaError


def _steps(asset: str) -> list[list[str]]:
    return [
        ["show", asset],
        [
            "set",
            asset,
            "batchNumber=5",
            "rating=9.3",
            "needsReview=true",
            "code=007",
            "category=recentlyAdded",
        ],
        ["show", asset, "-o", "table"],
        ["unset", asset, "needsReview"],
        ["replace", asset, "category=archived", "batchNumber=6"],
        ["show", asset, "--key", "category"],
        ["show", asset, "-o", "json"],
        ["history", asset, "-o", "table"],
        ["undo", asset],
        ["clear", asset, "--yes"],
        ["show", asset, "-o", "json"],
    ]


def demo_command() -> None:
    """Run set, show, unset, replace, history, undo and clear on a sample asset in a
    throw-away sandbox (no account, no key, nothing outside a temporary folder)."""
    from ..emulator import SAMPLE_ASSET_ID

    with tempfile.TemporaryDirectory(prefix="assetmeta-demo-") as state:
        env = {**os.environ, "ASSETMETA_STATE_DIR": state, "ASSETMETA_SANDBOX": "1"}
        for name in (
            "TWELVE_LABS_API_KEY",
            "ASSETMETA_API_KEY",
            "TWELVELABS_BASE_URL",
            "ASSETMETA_BASE_URL",
            "ASSETMETA_PROFILE",
        ):
            env.pop(name, None)
        for step in _steps(SAMPLE_ASSET_ID):
            line = "assetmeta --sandbox " + " ".join(shlex.quote(arg) for arg in step)
            sys.stdout.write(f"\n$ {line}\n")
            sys.stdout.flush()
            code = subprocess.call([sys.executable, "-m", "assetmeta", "--sandbox", *step], env=env)
            if code != 0:
                raise AssetmetaError(f"demo step failed with exit code {code}: {line}")
    sys.stdout.write(
        "\nThe demo ran against a throw-away sandbox; try the same with your own "
        "assets: export TWELVE_LABS_API_KEY=... and drop --sandbox.\n"
    )
