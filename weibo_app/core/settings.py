"""Read a setting: an admin's value from the ``settings`` table, else the config default.

The table is read once per request (lazily) and cached on ``g``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_request_context

from .extensions import db

#: The ``settings`` table (weibo_app.models.Setting), named here so core/ does not import models.
SETTINGS = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON))

#: Settings an admin may change at run time, with the type each must have.
EDITABLE: dict[str, type] = {
    "POST_MAX_LENGTH": int,
    "DUE_WORKING_DAYS": dict,
    "AUTO_CLOSE_DAYS": int,
    "FLAG_THRESHOLD": int,
    "ATTACHMENT_MAX_MB": int,
    "ATTACHMENT_MAX_FILES": int,
    "SITE_NAME": str,
    "SITE_OWNER": str,
    "SITE_OPERATOR": str,
    "SITE_ICP": str,
    "SITE_CONTACT": str,
    "SITE_ACCESSIBILITY": str,
}

#: The settings that name the site and its owner (header, footer, accessibility statement).
SITE_IDENTITY = ("SITE_NAME", "SITE_OWNER", "SITE_OPERATOR", "SITE_ICP", "SITE_CONTACT", "SITE_ACCESSIBILITY")

#: Built once: every page reads the settings (the site's name in the header).
_ALL_SETTINGS = sa.select(SETTINGS.c.key, SETTINGS.c.value)


def _overrides() -> dict[str, Any]:
    if has_request_context() and "settings_cache" in g:
        return g.settings_cache
    rows = db.session.execute(_ALL_SETTINGS).all()
    found = {key: value for key, value in rows}
    if has_request_context():
        g.settings_cache = found
    return found


def get_setting(name: str) -> Any:
    """The value in force for ``name``."""
    if name in EDITABLE:
        overrides = _overrides()
        if name in overrides:
            return overrides[name]
    return current_app.config[name]


def set_setting(name: str, value: Any) -> None:
    """Store an admin's value (the caller audits and commits)."""
    if name not in EDITABLE or not isinstance(value, EDITABLE[name]):
        raise ValueError(f"setting {name} cannot take {value!r}")
    db.session.flush()  # a Setting row the caller added is written before we look
    if db.session.scalar(sa.select(SETTINGS.c.key).where(SETTINGS.c.key == name)) is None:
        db.session.execute(sa.insert(SETTINGS).values(key=name, value=value))
    else:
        db.session.execute(sa.update(SETTINGS).where(SETTINGS.c.key == name).values(value=value))
    if has_request_context():
        g.pop("settings_cache", None)


def site_identity() -> dict[str, str]:
    """The site's name, owner, operator, 备案号, contact and accessibility statement.

    Read with the other settings (one query per request, shared with every other setting read).
    """
    return {name.removeprefix("SITE_").lower(): get_setting(name) or "" for name in SITE_IDENTITY}
