"""Abuse resistance and hardening: rate limits, security headers, request checks."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Called by ``create_app`` after the extensions are bound."""
    from . import headers, limits, request_checks

    headers.init_app(app)
    request_checks.init_app(app)
    limits.init_app(app)
