"""The rule for a base URL, the same for every source (flag, environment, .env, config file,
`config set`): the API key goes with every request, so where it may go is checked up front."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class BadBaseUrl(ValueError):
    """The rule a base URL broke; `show_value` is False when the URL holds a secret."""

    def __init__(self, rule: str, *, hint: str | None = None, show_value: bool = True) -> None:
        super().__init__(rule)
        self.rule = rule
        self.hint = hint
        self.show_value = show_value


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1 (bracketed or not): the only hosts plain http may reach
    with the key, and the only ones the emulator, which takes any key, may serve on."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, *, insecure_http: bool) -> str:
    """Accept https anywhere, http only to loopback (the emulator) unless allowed; the URL
    without white space around it or a trailing '/'. BadBaseUrl says what is wrong."""
    url = url.strip().rstrip("/")
    if not url:
        raise BadBaseUrl("is empty")
    if any(char.isspace() or not char.isprintable() for char in url):
        raise BadBaseUrl("must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        # urllib's own words: "Port out of range 0-65535", "Invalid IPv6 URL".
        port_rule = "has an invalid port (it must be 1-65535)"
        raise BadBaseUrl(port_rule if "Port" in str(exc) else "is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadBaseUrl("must be an http(s) URL")
    if parts.username or parts.password:
        raise BadBaseUrl("must not contain credentials", show_value=False)
    if port == 0:
        raise BadBaseUrl("has an invalid port (it must be 1-65535)")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise BadBaseUrl("must not have a query or a fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not insecure_http:
        raise BadBaseUrl(
            f"refusing to send the API key over plain http to {parts.hostname}",
            hint="use https, or pass --insecure-http if you really mean it",
        )
    return url
