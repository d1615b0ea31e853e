"""The median and 90th percentile from the daily counts' first-response buckets
(metrics/histogram.py) are the percentiles of every hour.

A county of eight departments in three levels gets 360 threads over twenty days by bulk insert,
their first responses drawn at random and on every bucket bound: exactly on it, half a second
and a second either side. On random periods, each channel and both roll-ups, the figures from
the stored facts equal those worked out from the replies and a count by hand, without reading
the period's hours; a bucket out of step with the threads (a row written around the
application) is noticed and every hour read instead.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import utc
from tests.test_metrics_exact import _percentile
from tests.test_query_plans import _captured, _plan
from weibo_app.core.clock import local_midnight_utc, to_local
from weibo_app.core.extensions import db
from weibo_app.metrics import histogram, upkeep
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.models import Reply, Thread, ThreadDay
from weibo_app.models.thread import RESPONSE_BOUNDS, RESPONSE_BUCKETS

START = utc(2025, 6, 2, 1, 0)
AS_OF = START + timedelta(days=60)  # after every reply: the stored facts are settled
CHANNELS = ("web", "phone", "letter")


class County:
    def __init__(self, make):
        self.county = make.department(slug="hg-county", name="河谷县")
        bureaus = [make.department(slug=f"hg-bureau-{i}", parent=self.county) for i in range(3)]
        offices = [make.department(slug=f"hg-office-{i}", parent=bureaus[i % 2]) for i in range(4)]
        self.depts = [self.county, *bureaus, *offices]
        self.paths = {d.id: d.path for d in self.depts}
        staff = {d.id: make.staff(d).id for d in self.depts}
        resident = make.user().id
        rng = random.Random(20261129)
        edges = [timedelta(seconds=s + step) for s in RESPONSE_BOUNDS for step in (-1, -0.5, 0, 0.5, 1)]
        self.threads, threads, replies = [], [], []
        first_id = (db.session.scalar(sa.select(sa.func.max(Thread.id))) or 0) + 1
        for n in range(360):
            tid = first_id + n
            dept = rng.choice(self.depts).id
            opened = START + timedelta(minutes=rng.randrange(20 * 24 * 60), microseconds=rng.randrange(10**6))
            roll = rng.random()
            delay = (None if roll < 0.1 else edges[n % len(edges)] if roll < 0.55
                     else timedelta(hours=rng.expovariate(1 / 20)))
            state = "dismissed" if rng.random() < 0.05 else "answered" if delay else "awaiting"
            channel = rng.choice(CHANNELS)
            threads.append(dict(id=tid, department_id=dept, author_id=resident, kind="consultation", state=state,
                                body="请问", body_html="<p>请问</p>", opened_at=opened, due_at=opened + timedelta(days=5),
                                first_due_at=opened + timedelta(days=5), last_activity_at=opened, channel=channel))
            if delay is not None:
                replies.append(dict(thread_id=tid, author_id=staff[dept], department_id=dept, official=True,
                                    body="答复", body_html="<p>答复</p>", created_at=opened + delay, final=True,
                                    visible_at=opened + delay))
            self.threads.append(dict(dept=dept, opened=opened, channel=channel, state=state, delay=delay))
        db.session.execute(sa.insert(Thread), threads)
        db.session.execute(sa.insert(Reply), replies)
        upkeep.refresh()
        db.session.commit()

    def by_hand(self, first_day: date, end_day: date, gid: int, subtree: bool, channel: str | None):
        """The median and 90th percentile of the first-response hours, from the drawn delays."""
        members = {m for m, path in self.paths.items() if path.startswith(self.paths[gid])} if subtree else {gid}
        start, end = local_midnight_utc(first_day), local_midnight_utc(end_day)
        hours = [t["delay"].total_seconds() / 3600 for t in self.threads
                 if t["dept"] in members and start <= t["opened"] < end and t["delay"] is not None
                 and t["state"] != "dismissed" and channel in (None, t["channel"])]
        return _percentile(hours, 0.5), _percentile(hours, 0.9)


@pytest.fixture
def county(app, make):
    return County(make)


def _percentiles(rows):
    return {r["department"]: (r["median_first_response_hours"], r["p90_first_response_hours"]) for r in rows}


def test_the_percentiles_from_the_buckets_are_those_of_every_hour(county, monkeypatch):
    read_values = histogram.values_by_department

    def only_buckets(stmt):
        assert isinstance(stmt, sa.CompoundSelect), "read every hour of the period"
        return read_values(stmt)

    rng = random.Random(7)
    first = to_local(START).date()
    slugs = {d.slug: d.id for d in county.depts}
    checked = 0
    for _ in range(8):
        first_day = first + timedelta(days=rng.randrange(-2, 15))
        end_day = first_day + timedelta(days=rng.randrange(1, 25))
        for channel in (None, "phone"):
            for subtree in (False, True):
                period = make_period(first_day, end_day, AS_OF)
                with monkeypatch.context() as m:  # the stored figures read some buckets, never every hour
                    m.setattr(histogram, "values_by_department", only_buckets)
                    stored = _percentiles(compute_metrics(period, subtree=subtree, channel=channel,
                                                          stored_facts=True))
                worked_out = _percentiles(compute_metrics(period, subtree=subtree, channel=channel,
                                                          stored_facts=False))
                assert stored == worked_out
                for slug, (median, p90) in stored.items():
                    hand = county.by_hand(first_day, end_day, slugs[slug], subtree, channel)
                    # SQLite's julianday keeps milliseconds: a few ten-millionths of an hour apart.
                    assert (median, p90) == pytest.approx(hand, rel=0, abs=1e-6), (slug, first_day, end_day)
                    checked += median is not None
    assert checked > 60


def test_each_day_counts_its_responded_threads_once_by_bucket(county):
    total = sa.func.coalesce(sum(getattr(ThreadDay, name) for name in RESPONSE_BUCKETS), 0)
    assert db.session.execute(sa.select(sa.func.count()).where(total != ThreadDay.responded)).scalar() == 0
    on_bounds = [sum(1 for t in county.threads if t["delay"] is not None and t["state"] != "dismissed"
                     and round(t["delay"].total_seconds()) == bound) for bound in RESPONSE_BOUNDS]
    assert min(on_bounds) >= 1  # every bound is met exactly, and counted in the bucket above it
    responded = sum(1 for t in county.threads if t["delay"] is not None and t["state"] != "dismissed")
    assert db.session.scalar(sa.select(sa.func.sum(ThreadDay.responded))) == responded


def test_a_bucket_out_of_step_is_noticed_and_every_hour_read(county, caplog):
    period = make_period(to_local(START).date(), to_local(START).date() + timedelta(days=21), AS_OF)
    expected = _percentiles(compute_metrics(period, subtree=True, stored_facts=False))
    busiest = db.session.execute(sa.select(ThreadDay.department_id, ThreadDay.day, ThreadDay.channel)
                                 .order_by(ThreadDay.responded.desc()).limit(1)).one()
    db.session.execute(sa.update(ThreadDay).where(
        ThreadDay.department_id == busiest[0], ThreadDay.day == busiest[1], ThreadDay.channel == busiest[2])
        .values({name: getattr(ThreadDay, name) + 1 for name in RESPONSE_BUCKETS}))
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger=histogram.__name__):
        assert _percentiles(compute_metrics(period, subtree=True, stored_facts=True)) == expected
    assert "out of step" in caplog.text


def test_a_bucket_is_read_from_the_responded_index(county):
    """Each department's hours of one bucket are a range of ``ix_threads_responded``."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("ANALYZE"))
    else:
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE threads")
    period = make_period(to_local(START).date(), to_local(START).date() + timedelta(days=21), AS_OF)
    found = [(s, p) for s, p in _captured(lambda: compute_metrics(period, stored_facts=True))
             if "UNION ALL" in s]
    assert len(found) == 1, found
    plan = _plan(*found[0])
    if "lines" in plan:
        lines = " | ".join(plan["lines"])
        assert "USING COVERING INDEX ix_threads_responded (department_id=? AND counted_response_hours>?" in lines, lines
    else:
        assert plan["indexes"] == {"ix_threads_responded"}, plan
