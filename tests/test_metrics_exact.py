"""Every figure of ``compute_metrics`` equals a count made by hand from the rows.

The data are random (a department tree, a few hundred threads with interim, final, held,
hidden, reworked and other departments' replies, extensions, transfers, urgings, visits,
posts, likes, reposts, views, follows); the periods, the moment judged (``as_of``), the
subtree roots and the channels are random too. The expected figures are computed here in
plain Python from the rows as DESIGN.md defines them, independent of the SQL.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from weibo_app.core.clock import local_midnight_utc
from weibo_app.core.extensions import db
from weibo_app.metrics import facts, upkeep
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.metrics.trends import weekly_trends
from weibo_app.models import (
    Department,
    ExtensionRequest,
    Follow,
    Like,
    Post,
    PostViewDaily,
    Reply,
    Repost,
    Thread,
    ThreadEvent,
    TransferRequest,
    User,
)

BASE = datetime(2026, 3, 1, tzinfo=UTC)
SPAN = 120 * 86400  # the data cover 120 days from BASE
CHANNELS = ("web", "phone", "letter")
PUBLISHED = ("published", "scheduled", "withdrawn")


def _at(rnd: random.Random, lo: int = 0, hi: int = SPAN) -> datetime:
    return BASE + timedelta(seconds=rnd.randint(lo, hi))


def _maybe(rnd: random.Random, share: float, value):
    return value if rnd.random() < share else None


def _seed(rnd: random.Random) -> None:
    ins = lambda model, rows: rows and db.session.execute(sa.insert(model.__table__), rows)  # noqa: E731
    ins(User, [{"id": i, "username": f"u{i}", "display_name": "", "password_hash": "x", "role": "resident",
                "active": True, "created_at": BASE, "session_epoch": 0, "failed_logins": 0} for i in range(1, 21)])
    paths: dict[int, str] = {}
    deps = []
    for i in range(1, 13):
        parent = None if i == 1 else rnd.randint(1, i - 1)
        paths[i] = (paths[parent] if parent else "/") + f"{i}/"
        deps.append({"id": i, "slug": f"d{i}", "name": f"部门{i}", "description": "", "parent_id": parent,
                     "path": paths[i], "review_required": False, "created_at": BASE})
    ins(Department, deps)
    posts = []
    for i in range(1, 61):
        published = _at(rnd)
        posts.append({"id": i, "department_id": rnd.randint(1, 12), "author_id": 1, "body": "p", "body_html": "p",
                      "category": "work", "major": False, "state": rnd.choice(PUBLISHED + ("draft",)),
                      "created_at": published, "updated_at": published, "fast_track": False,
                      "published_at": _maybe(rnd, 0.9, published)})
    ins(Post, posts)
    ins(Like, [{"user_id": u, "post_id": p, "created_at": _at(rnd)}
               for u in range(1, 21) for p in rnd.sample(range(1, 61), 5)])
    ins(Repost, [{"id": i, "user_id": rnd.randint(1, 20), "post_id": rnd.randint(1, 60), "comment": "",
                  "comment_html": "", "created_at": _at(rnd)} for i in range(1, 81)])
    ins(PostViewDaily, [{"post_id": p, "day": (BASE + timedelta(days=d)).date(), "views": rnd.randint(1, 9)}
                        for p in range(1, 61) for d in rnd.sample(range(120), 6)])
    ins(Follow, [{"user_id": u, "department_id": d, "created_at": _at(rnd)}
                 for u in range(1, 21) for d in rnd.sample(range(1, 13), 3)])
    threads, replies, events, exts, transfers = [], [], [], [], []
    for tid in range(1, 401):
        dept = rnd.randint(1, 12)
        opened = _at(rnd)
        first_due = opened + timedelta(days=rnd.choice((1, 3, 5)))
        threads.append({
            "id": tid, "post_id": _maybe(rnd, 0.7, rnd.randint(1, 60)), "department_id": dept, "author_id": 1,
            "kind": "consultation", "state": rnd.choice(("awaiting", "awaiting", "answered", "closed", "dismissed")),
            "body": "t", "body_html": "t", "opened_at": opened, "first_due_at": first_due,
            "due_at": first_due + timedelta(days=rnd.choice((0, 0, 2))), "last_activity_at": opened,
            "anonymous": False, "private": False, "channel": rnd.choice(CHANNELS),
            "rating": _maybe(rnd, 0.4, rnd.choice(("satisfied", "basically_satisfied", "unsatisfied"))),
            "resolved": _maybe(rnd, 0.4, rnd.random() < 0.6), "hidden_at": _maybe(rnd, 0.1, opened),
        })
        for _ in range(rnd.choice((0, 1, 1, 2, 3))):
            at = opened + timedelta(seconds=rnd.randint(60, 9 * 86400))
            replies.append({
                "id": len(replies) + 1, "thread_id": tid, "author_id": 1,
                "department_id": dept if rnd.random() < 0.85 else rnd.randint(1, 12),
                "official": rnd.random() < 0.9, "body": "r", "body_html": "r", "created_at": at,
                "final": rnd.random() < 0.7, "visible_at": None if rnd.random() < 0.05 else at,
                "reworked_at": _maybe(rnd, 0.1, at + timedelta(days=1)),
                "held_at": _maybe(rnd, 0.05, at), "hidden_at": _maybe(rnd, 0.05, at),
            })
        for kind in ("rework", "urge", "visit"):
            if rnd.random() < 0.15:
                events.append({"id": len(events) + 1, "thread_id": tid, "department_id": dept, "actor_id": 1,
                               "kind": kind, "created_at": opened + timedelta(days=rnd.randint(0, 6))})
        if rnd.random() < 0.2:
            decided = opened + timedelta(days=rnd.randint(0, 6))
            exts.append({"id": len(exts) + 1, "thread_id": tid, "department_id": dept, "requested_by_id": 1,
                         "until": (first_due + timedelta(days=4)).date(), "new_due_at": first_due + timedelta(days=4),
                         "previous_due_at": first_due, "reason": "r", "created_at": opened,
                         "state": rnd.choice(("approved", "approved", "pending", "rejected")),
                         "decided_by_id": 1, "decided_at": decided})
        if rnd.random() < 0.1:
            transfers.append({"id": len(transfers) + 1, "thread_id": tid, "from_department_id": rnd.randint(1, 12),
                              "proposed_department_id": dept, "to_department_id": dept, "requested_by_id": 1,
                              "state": rnd.choice(("approved", "pending")), "created_at": opened,
                              "decided_by_id": 1, "decided_at": opened + timedelta(hours=rnd.randint(0, 90))})
    ins(Thread, threads)
    ins(Reply, replies)
    ins(ThreadEvent, events)
    ins(ExtensionRequest, exts)
    ins(TransferRequest, transfers)
    db.session.commit()


def _table(model) -> list[dict]:
    return [dict(row._mapping) for row in db.session.execute(sa.select(model.__table__))]


def _aware(value):
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value


def _load() -> dict[str, list[dict]]:
    data = {}
    for name, model in (("departments", Department), ("threads", Thread), ("replies", Reply),
                        ("events", ThreadEvent), ("exts", ExtensionRequest), ("transfers", TransferRequest),
                        ("posts", Post), ("likes", Like), ("reposts", Repost), ("views", PostViewDaily),
                        ("follows", Follow)):
        data[name] = [{k: _aware(v) for k, v in row.items()} for row in _table(model)]
    return data


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    pos = (len(values) - 1) * q
    low = int(pos)
    if low + 1 >= len(values):
        return values[low]
    return values[low] + (values[low + 1] - values[low]) * (pos - low)


def _expected(data, first_day, end_day, as_of, members, channel) -> dict:
    """The figures of one department row, counted by hand."""
    start, end = local_midnight_utc(first_day), local_midnight_utc(end_day)
    by_thread: dict[int, list[dict]] = {}
    for r in data["replies"]:
        by_thread.setdefault(r["thread_id"], []).append(r)

    def counted(t, final):
        return [r["visible_at"] for r in by_thread.get(t["id"], [])
                if r["official"] and r["department_id"] == t["department_id"] and r["visible_at"] is not None
                and r["visible_at"] <= as_of and r["held_at"] is None and r["hidden_at"] is None
                and (not final or (r["final"] and (r["reworked_at"] is None or r["reworked_at"] > as_of)))]

    def due_in_force(t, moment):
        approved = [e["new_due_at"] for e in data["exts"] if e["thread_id"] == t["id"] and e["state"] == "approved"
                    and e["decided_at"] is not None and e["decided_at"] <= moment]
        return max(approved) if approved else t["first_due_at"]

    def has(rows, t, **match):
        return any(r["thread_id"] == t["id"] and all(r[k] == v for k, v in match.items())
                   and r[("decided_at" if "state" in match else "created_at")] <= as_of for r in rows)

    mine = [t for t in data["threads"] if t["department_id"] in members and (channel is None or t["channel"] == channel)]
    opened = [t for t in mine if start <= t["opened_at"] < end and t["opened_at"] <= as_of]
    row = dict.fromkeys(("threads", "dismissed", "responded", "answered", "hidden", "extended", "reworked", "urged",
                         "transfers", "visited"), 0)
    base = timely = good = rated = solved = told = 0
    hours = []
    for t in opened:
        live = t["state"] != "dismissed"
        fr, ff = min(counted(t, False), default=None), min(counted(t, True), default=None)
        row["threads"] += 1
        row["dismissed"] += not live
        row["hidden"] += t["hidden_at"] is not None
        if live and fr is not None:
            row["responded"] += 1
            hours.append((fr - t["opened_at"]).total_seconds() / 3600)
        row["answered"] += live and ff is not None
        if live and (ff is not None or due_in_force(t, as_of) < as_of):
            base += 1
            timely += ff is not None and ff <= due_in_force(t, ff)
        good += t["rating"] in ("satisfied", "basically_satisfied")
        rated += t["rating"] is not None
        solved += t["resolved"] is True
        told += t["resolved"] is not None
        row["extended"] += has(data["exts"], t, state="approved")
        row["reworked"] += has(data["events"], t, kind="rework")
        row["urged"] += has(data["events"], t, kind="urge")
        row["visited"] += has(data["events"], t, kind="visit")
        row["transfers"] += has(data["transfers"], t, state="approved")
    ratio = lambda a, b: a / b if b else None  # noqa: E731
    row.update(reply_rate=ratio(row["answered"], row["threads"] - row["dismissed"]), on_time_rate=ratio(timely, base),
               satisfaction_rate=ratio(good, rated), resolved_rate=ratio(solved, told),
               median_first_response_hours=_percentile(hours, 0.5), p90_first_response_hours=_percentile(hours, 0.9))
    awaiting = [t for t in mine if t["state"] == "awaiting" and t["opened_at"] <= as_of]
    row.update(awaiting=len(awaiting), overdue=sum(t["due_at"] < as_of for t in awaiting))

    posts = [p for p in data["posts"] if p["department_id"] in members]
    out = [p for p in posts if p["state"] in PUBLISHED and p["published_at"] is not None and p["published_at"] <= as_of]
    in_period = [p for p in out if start <= p["published_at"] < end]
    threads_of = {}
    for t in data["threads"]:
        threads_of.setdefault(t["post_id"], []).append(t)
    row["posts_published"] = len(in_period)
    row["unanswered_posts"] = sum(
        any(t["state"] == "awaiting" and t["opened_at"] <= as_of for t in threads_of.get(p["id"], [])) for p in out)
    row["silent_posts"] = sum(
        any(t["state"] != "dismissed" and t["opened_at"] <= as_of for t in threads_of.get(p["id"], []))
        and not any(counted(t, False) for t in threads_of.get(p["id"], [])) for p in in_period)
    last = max((p["published_at"] for p in out), default=None)
    row["days_since_last_post"] = None if last is None else max(0, (as_of - last).days)
    ids = {p["id"] for p in posts}
    row["likes"] = sum(x["post_id"] in ids and start <= x["created_at"] < end and x["created_at"] <= as_of
                       for x in data["likes"])
    row["reposts"] = sum(x["post_id"] in ids and start <= x["created_at"] < end and x["created_at"] <= as_of
                         for x in data["reposts"])
    row["views"] = sum(v["views"] for v in data["views"] if v["post_id"] in ids and first_day <= v["day"] < end_day)
    row["followers"] = len({f["user_id"] for f in data["follows"]
                            if f["department_id"] in members and f["created_at"] <= as_of})
    return row


def test_every_figure_equals_a_count_by_hand(app, subtests):
    rnd = random.Random(20261129)
    _seed(rnd)
    # Rows written around the ORM keep the stored reply facts out of use until they are refreshed.
    late = BASE + timedelta(seconds=SPAN + 11 * 86400)  # replies come up to 9 days after opening, reworks a day later
    assert not facts.settled(late)
    upkeep.refresh()
    assert facts.settled(late) and not facts.settled(BASE + timedelta(days=60))
    data = _load()
    paths = {d["id"]: d["path"] for d in data["departments"]}
    for case in range(20):
        first = (BASE + timedelta(days=rnd.randint(-5, 110))).date()
        end = first + timedelta(days=rnd.randint(1, 60))
        # The first cases judge moments inside the data (worked out from the rows), the last ones
        # moments after it (read from the stored facts).
        as_of = BASE + timedelta(seconds=rnd.randint(5 * 86400, SPAN + 20 * 86400) if case < 14
                                 else rnd.randint(SPAN + 11 * 86400, SPAN + 40 * 86400))
        subtree = rnd.random() < 0.6
        channel = rnd.choice((None, None, *CHANNELS))
        ids = None if rnd.random() < 0.3 else rnd.sample(sorted(paths), rnd.randint(1, 5))
        got = compute_metrics(make_period(first, end, as_of), department_ids=ids, subtree=subtree, channel=channel)
        assert [r["department"] for r in got] == [f"d{i}" for i in sorted(ids or paths, key=paths.get)]
        for row in got:
            gid = int(row["department"][1:])
            members = {m for m, p in paths.items() if p.startswith(paths[gid])} if subtree else {gid}
            want = _expected(data, first, end, as_of, members, channel)
            with subtests.test(case=case, department=gid, subtree=subtree, channel=channel):
                for field, value in want.items():
                    if field.endswith("_hours") and value is not None:
                        assert row[field] == pytest.approx(value, rel=1e-9, abs=1e-9), field
                    else:
                        assert row[field] == value, field
    # The figures cover the data's edge cases, not only zeros.
    every = compute_metrics(make_period(BASE.date(), (BASE + timedelta(days=121)).date(), BASE + timedelta(days=125)),
                            department_ids=[1], subtree=True)[0]
    for field in ("threads", "dismissed", "responded", "answered", "hidden", "extended", "reworked", "urged",
                  "transfers", "visited", "posts_published", "silent_posts", "likes", "reposts", "views", "followers"):
        assert every[field] > 0, field
    assert 0 < every["on_time_rate"] < 1 and every["median_first_response_hours"] > 0


def test_weekly_trends_from_the_daily_counts_equal_trends_from_the_threads(app, monkeypatch):
    """The dashboard's weekly trend sums the daily counts once they are settled; counted from the
    threads themselves it gives the same weeks."""
    _seed(random.Random(7))
    upkeep.refresh()
    for days_after in (11, 20, 45):
        as_of = BASE + timedelta(seconds=SPAN + days_after * 86400)
        assert facts.settled(as_of)
        for scope in (None, db.session.get(Department, 1), db.session.get(Department, 4)):
            for channel in (None, "phone"):
                got = weekly_trends(as_of, scope, channel=channel)
                with monkeypatch.context() as m:
                    m.setattr(facts, "settled", lambda _moment: False)
                    want = weekly_trends(as_of, scope, channel=channel)
                assert got == want
                assert days_after > 40 or sum(w["threads"] for w in got) > 0
