"""Request numbers stay unique when two filings for one department race each other.

On PostgreSQL (where writers really run at once): two threads, each with its own session,
file at the same moment; the counter row's lock makes the second wait for the first.
"""

from __future__ import annotations

import threading

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.disclosure import operations as ops
from weibo_app.models import Department, User

from .conftest import BASE_CONFIG, _truncate_all
from .factories import Factory


def test_concurrent_filings_get_consecutive_distinct_numbers(postgres_url):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        _truncate_all()
        make = Factory()
        dept = make.department(slug="jiaoyu", name="教育局")
        ids = [make.user().id for _ in range(4)]
        dept_id = dept.id
        db.session.remove()
    barrier = threading.Barrier(len(ids))
    numbers: list[str] = []
    errors: list[BaseException] = []

    def file(user_id: int) -> None:
        try:
            with app.app_context():
                user, department = db.session.get(User, user_id), db.session.get(Department, dept_id)
                barrier.wait(timeout=30)
                req = ops.file_request(user, department, applicant_type="person", name="张三", phone="1",
                                       description="同时提交", delivery="email")
                number = req.number
                db.session.commit()
                numbers.append(number)
                db.session.remove()
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=file, args=(uid,)) for uid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with app.app_context():
        db.engine.dispose()
    assert errors == []
    year = numbers[0].split("-")[0]
    assert sorted(numbers) == [f"{year}-jiaoyu-{n:04d}" for n in range(1, len(ids) + 1)]
