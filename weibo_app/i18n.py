"""Language: Simplified Chinese unless the visitor chose English (``?lang=en``, kept in a cookie)."""

from __future__ import annotations

from flask import current_app, request

from .clock import site_tz

COOKIE = "lang"


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
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
