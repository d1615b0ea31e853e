"""A department's publications in a period as JSON and CSV: the record 有史可查 asks for."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from ..access.scope import scope_of
from ..core.clock import iso_local as iso
from ..core.exceptions import Forbidden
from ..metrics.queries import Period
from ..models import Department
from ..posts.queries import corrections_for
from . import queries

CSV_COLUMNS = (
    "id", "category", "major", "fast_track", "state", "body", "author", "created_at",
    "scheduled_at", "published_at", "withdrawn_at", "withdraw_reason", "decisions", "corrections",
)


def export_records(department: Department, period: Period) -> list[dict]:
    """One record per post published in the period: three queries whatever the size."""
    posts = queries.export_posts(department, period)
    ids = [p.id for p in posts]
    decisions = queries.decisions_for(ids)
    corrections = corrections_for(ids)
    return [
        {
            "id": p.id,
            "department": p.department.slug,
            "category": p.category,
            "major": p.major,
            "fast_track": p.fast_track,
            "state": p.state,
            "body": p.body,
            "author": p.author.username,
            "created_at": iso(p.created_at),
            "scheduled_at": iso(p.scheduled_at),
            "published_at": iso(p.published_at),
            "withdrawn_at": iso(p.withdrawn_at),
            "withdraw_reason": p.withdraw_reason,
            "decisions": [
                {"decision": d.decision, "actor": d.actor.username, "at": iso(d.created_at),
                 "secrecy_checked": d.secrecy_checked, "comment": d.comment}
                for d in decisions[p.id]
            ],
            "corrections": [{"body": c.body, "at": iso(c.created_at)} for c in corrections[p.id]],
        }
        for p in posts
    ]


def _decision_text(d: dict) -> str:
    parts = [d["at"], d["decision"], d["actor"]]
    if d["secrecy_checked"]:
        parts.append("secrecy_checked")
    if d["comment"]:
        parts.append(d["comment"])
    return " ".join(parts)


def _cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(records: list[dict]) -> str:
    """Flat rows; decisions and corrections are "; "-joined, each "time what who [comment]"."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for r in records:
        writer.writerow({k: _cell(v) for k, v in {
            **r,
            "major": int(r["major"]),
            "fast_track": int(r["fast_track"]),
            "decisions": "; ".join(_decision_text(d) for d in r["decisions"]),
            "corrections": "; ".join(f"{c['at']} {c['body']}" for c in r["corrections"]),
        }.items()})
    return out.getvalue()


def require_export_right(user, department: Department) -> None:
    """Reviewers and the head of the department, and whoever oversees it, may export."""
    if not (scope_of(user).covers(department) and (user.can_review or user.can_oversee)):
        raise Forbidden(_("只有本部门审核人、主要负责人或督办人员可以导出。"), "export_forbidden")
