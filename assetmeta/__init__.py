"""assetmeta: manage the user-defined metadata of TwelveLabs assets."""

__version__ = "0.1.0"
