"""Language: Simplified Chinese unless the visitor chose English (``?lang=en``, kept in a cookie)."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask import current_app, has_request_context, request

from .clock import site_tz

COOKIE = "lang"
#: Large text (适老化): ``?text=large`` or ``?text=normal``, kept in this cookie.
TEXT_COOKIE = "textsize"
TEXT_SIZES = ("normal", "large")


def select_locale() -> Locale:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and services run outside a request
        return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen in supported:
        return _locale(chosen)
    return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])


@cache
def _locale(identifier: str) -> Locale:
    """The parsed locale, once per language: Babel parses a name given as text on every
    request, checking it against every locale it knows (about half a millisecond a page)."""
    return Locale.parse(identifier)


def select_timezone() -> str:
    return str(site_tz())


def remember_choice(response):
    """Keep ``?lang=`` in a cookie so the next page speaks the same language."""
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def select_text_size() -> str:
    """``large`` when the visitor asked for large text, else ``normal``."""
    if not has_request_context():
        return "normal"
    chosen = request.args.get("text") or request.cookies.get(TEXT_COOKIE)
    return chosen if chosen in TEXT_SIZES else "normal"


def remember_text_size(response):
    """Keep ``?text=`` in a cookie so every later page keeps the chosen text size."""
    chosen = request.args.get("text")
    if chosen in TEXT_SIZES:
        response.set_cookie(TEXT_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response
