"""Headers every answer of the hub carries, and which proxy headers it believes.

The pages load their own scripts, styles and sounds from /assets, talk to the
hub's REST API and its Socket.IO websocket on the same origin, and use a
`data:` URI only for the empty favicon: the policy allows exactly that. No
page may be framed (frame-ancestors), no answer sniffed into another type,
and no page's address (a phone's /t/<ticket id>) leaves in a Referer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# The device pages (kiosk, hall and window screens, caller, pad) run inside the device
# agents' pywebview windows, whose evaluate_js (the agent telling its page about the
# printer or the voice) evaluates a string: those pages allow eval, and only that.
# The phone's ticket page, the dashboard and the API keep the strict policy.
DEVICE_PAGES = ("/kiosk", "/display/", "/caller", "/pad/")
DEVICE_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-eval'")

HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)


def policy_for(path: str) -> str:
    """The Content-Security-Policy of the answer to `path`."""
    if path.startswith(DEVICE_PAGES):
        return DEVICE_CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SecurityHeaders:
    """WSGI middleware: add HEADERS to every answer (pages, API, assets, Socket.IO)."""

    def __init__(self, app: Wsgi) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        policy = ("Content-Security-Policy", policy_for(environ.get("PATH_INFO", "")))

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers = list(headers) + [h for h in (policy, *HEADERS)
                                       if h[0].lower() not in present]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def behind_proxies(app: Wsgi, trusted: int) -> Wsgi:
    """Believe X-Forwarded-For/-Proto from `trusted` proxies (0: believe none).

    Wrapped outside Socket.IO's middleware, so the REST API (rate limits, the
    login lockout) and Socket.IO see the same client address.
    """
    if trusted <= 0:
        return app
    return ProxyFix(app, x_for=trusted, x_proto=trusted)
