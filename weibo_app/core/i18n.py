"""Language: Simplified Chinese unless the visitor chose English (``?lang=en``, kept in a cookie)."""

from __future__ import annotations

from flask import current_app, has_request_context, request

from .clock import site_tz

COOKIE = "lang"


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and services run outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen in supported:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return str(site_tz())


def remember_choice(response):
    """Keep ``?lang=`` in a cookie so the next page speaks the same language."""
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response
