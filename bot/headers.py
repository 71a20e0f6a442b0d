"""Security headers on every response: the simulator, the deletion status page, JSON.

The pages load their scripts and styles from /static only (no inline code), so the content
security policy can forbid everything else: injected markup can neither run a script nor be
framed by another site. Strict-Transport-Security is sent in production, where the service
is reached over HTTPS only (Meta refuses anything else).
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def register_security_headers(app: Flask, production: bool) -> None:
    """Add the security headers to every response the app sends."""

    @app.after_request
    def _secure(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
