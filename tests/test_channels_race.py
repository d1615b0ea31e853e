"""Two requests with the same external_ref at once get one thread (SQLite file database and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.models import Department, Thread, User
from weibo_app.threads import recording


@pytest.fixture
def app_config(app_config, backend, tmp_path):
    """A file database for SQLite: two connections must really compete for it."""
    if backend == "sqlite":
        config = {k: v for k, v in app_config.items() if k != "SQLALCHEMY_ENGINE_OPTIONS"}
        return {**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.sqlite3'}"}
    return app_config


def test_two_requests_with_the_same_reference_at_once_make_one_thread(app, make, monkeypatch):
    department = make.department(slug="bureau")
    clerk = make.staff(department)
    dept_id, clerk_id = department.id, clerk.id
    db.session.remove()

    # Both look the reference up before either inserts: the unique constraint decides.
    looked_up = threading.Barrier(2, timeout=10)
    real_find = recording.find_by_ref
    state = threading.local()

    def racing_find(department_id, ref):
        found = real_find(department_id, ref)
        if not getattr(state, "waited", False):
            state.waited = True
            looked_up.wait()
        return found

    monkeypatch.setattr(recording, "find_by_ref", racing_find)
    results: dict[str, tuple[int, bool]] = {}
    errors: list[str] = []

    def worker(name: str) -> None:
        try:
            with app.app_context():
                actor = db.session.get(User, clerk_id)
                target = db.session.get(Department, dept_id)
                thread, created = recording.record_request(
                    actor, target, body=f"来电（{name}）", kind="help", channel="hotline",
                    contact_name="赵六", external_ref="12345-RACE-1",
                )
                db.session.commit()
                results[name] = (thread.id, created)
                db.session.remove()
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            import traceback

            errors.append("".join(traceback.format_exception(err)))

    workers = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert not errors, "\n".join(errors)
    assert len(results) == 2
    assert results["a"][0] == results["b"][0]
    assert sorted(created for _, created in results.values()) == [False, True]
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(Thread.external_ref == "12345-RACE-1"))
    assert count == 1
