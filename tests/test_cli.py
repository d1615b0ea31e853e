"""The command line: init-db through the migrations, seed-demo, create-department, create-user."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.demo import DEMO_LOGINS
from weibo_app.models import Department, Follow, Like, Post, Reply, Role, Thread, User

from .conftest import BASE_CONFIG

CORE_TABLES = {
    "alembic_version", "departments", "users", "posts", "threads", "replies", "audit_log",
    "holiday_overrides", "settings", "follows", "likes", "reposts", "post_views_daily",
}


def test_init_db_creates_the_schema_on_an_empty_sqlite_file(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "database is at the latest schema" in result.output
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert CORE_TABLES <= tables
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM alembic_version")) == 1
        # Running it again is a no-op, not an error.
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert set(sa.inspect(engine).get_table_names()) == tables
    finally:
        engine.dispose()
        with app.app_context():
            db.engine.dispose()


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Department, User, Post, Thread, Reply, Like, Follow)
    }


def test_seed_demo_twice_adds_nothing_the_second_time(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "demo data loaded" in first.output
    for _role, username, password in DEMO_LOGINS:
        assert f"{username} / {password}" in first.output
    after_first = counts()
    assert after_first["Department"] >= 5 and after_first["Thread"] > 10 and after_first["Reply"] > 0
    roles = set(db.session.scalars(sa.select(User.role)))
    assert {Role.ADMIN, Role.SUPERVISOR, Role.STAFF, Role.RESIDENT} <= roles

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "already present" in second.output
    assert "admin / " in second.output
    db.session.expire_all()
    assert counts() == after_first


def test_create_department_and_user(app, runner):
    result = runner.invoke(args=["create-department", "--slug", "county", "--name", "清河县"])
    assert result.exit_code == 0, result.output
    assert "department county created" in result.output
    result = runner.invoke(args=["create-department", "--slug", "town", "--name", "城关镇", "--parent", "county",
                                 "--no-review"])
    assert result.exit_code == 0, result.output
    town = db.session.scalar(sa.select(Department).where(Department.slug == "town"))
    county = db.session.scalar(sa.select(Department).where(Department.slug == "county"))
    assert town.parent_id == county.id and town.path == f"/{county.id}/{town.id}/"
    assert (county.review_required, town.review_required) == (True, False)

    result = runner.invoke(args=["create-user", "clerk1", "--password", "pass-1234", "--role", "staff",
                                 "--department", "town"])
    assert result.exit_code == 0, result.output
    assert "user clerk1 (staff) created" in result.output
    clerk = db.session.scalar(sa.select(User).where(User.username == "clerk1"))
    assert clerk.department_id == town.id and clerk.check_password("pass-1234")
    result = runner.invoke(args=["create-user", "ducha", "--password", "pass-1234", "--role", "supervisor",
                                 "--department", "county"])
    assert result.exit_code == 0, result.output
    ducha = db.session.scalar(sa.select(User).where(User.username == "ducha"))
    assert ducha.supervised_department_id == county.id and ducha.department_id is None


@pytest.mark.parametrize("args, message", [
    (["create-department", "--slug", "Bad Slug!", "--name", "坏标识"], "部门标识只能包含小写字母、数字和连字符。"),
    (["create-department", "--slug", "county", "--name", "另一个县"], "部门标识或名称已存在。"),
    (["create-department", "--slug", "other", "--name", "清河县"], "部门标识或名称已存在。"),
    (["create-department", "--slug", "orphan", "--name", "孤儿", "--parent", "nowhere"], "没有这个部门。"),
    (["create-department", "--slug", "blank", "--name", "   "], "名称不能为空"),
    (["create-user", "x", "--password", "pass-1234"], "用户名需为3到40个字母、数字、下划线或汉字。"),
    (["create-user", "newbie", "--password", "short1"], "密码需要8到128个字符。"),
    (["create-user", "newbie", "--password", "onlyletters"], "密码需要同时包含字母和数字。"),
    (["create-user", "taken", "--password", "pass-1234"], "该用户名已被使用。"),
    (["create-user", "newbie", "--password", "pass-1234", "--role", "staff"], "工作人员必须属于一个部门。"),
    (["create-user", "newbie", "--password", "pass-1234", "--role", "staff", "--department", "nowhere"],
     "没有这个部门。"),
    (["create-user", "newbie", "--password", "pass-1234", "--role", "emperor"], "Invalid value for '--role'"),
    (["create-user", "newbie"], "Missing option '--password'"),
])
def test_bad_input_is_refused_clearly(app, runner, make, args, message):
    make.department(slug="county", name="清河县")
    make.user(username="taken")
    before = counts()
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    db.session.rollback()
    assert counts() == before


def test_seed_demo_refuses_a_database_with_other_users(app, runner, make):
    # A real site may well have a department with the demo's slug: that is not the demo.
    make.department(slug="county", name="清河县")
    make.user(username="wangfang")
    make.user(username="lilei")
    before = counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1, result.output
    assert "refusing to load the demo" in result.output
    assert "2 user(s)" in result.output and "wangfang, lilei" in result.output
    assert "--force" in result.output
    assert "Traceback" not in result.output and "demo data loaded" not in result.output
    db.session.rollback()
    assert counts() == before


def test_seed_demo_with_force_loads_beside_other_users_then_adds_nothing(app, runner, make):
    make.user(username="wangfang")
    result = runner.invoke(args=["seed-demo", "--force"])
    assert result.exit_code == 0, result.output
    assert "demo data loaded" in result.output
    db.session.expire_all()
    loaded = counts()
    assert loaded["Department"] >= 5 and loaded["Post"] > 0
    assert db.session.scalar(sa.select(User.id).where(User.username == "wangfang")) is not None
    # The demo is there now: a second run, with or without --force, adds nothing.
    for args in (["seed-demo"], ["seed-demo", "--force"]):
        again = runner.invoke(args=args)
        assert again.exit_code == 0, again.output
        assert "already present" in again.output
        db.session.expire_all()
        assert counts() == loaded


def test_seed_demo_with_force_stops_cleanly_on_a_name_the_demo_needs(app, runner, make):
    """A real account called "admin" clashes with the demo's: a clear message, nothing added."""
    make.user(Role.ADMIN, username="admin")
    before = counts()
    result = runner.invoke(args=["seed-demo", "--force"])
    assert result.exit_code == 1, result.output
    assert "该用户名已被使用。" in result.output
    assert "Traceback" not in result.output
    db.session.rollback()
    assert counts() == before
