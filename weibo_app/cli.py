"""The command line: ``flask --app weibo_app <command>``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from .core.exceptions import ServiceError
from .core.extensions import db


def _fail(err: ServiceError) -> None:
    db.session.rollback()
    raise click.ClickException(err.message)


def register(app: Flask) -> None:
    from .posts.commands import publish_due_cmd

    app.cli.add_command(publish_due_cmd)

    @app.cli.command("init-db")
    def init_db() -> None:
        """Create or upgrade the schema (migrations)."""
        upgrade()
        click.echo("database is at the latest schema")

    @app.cli.command("create-department")
    @click.option("--slug", required=True)
    @click.option("--name", required=True)
    @click.option("--parent", default=None, help="slug of the parent department")
    @click.option("--review/--no-review", default=True, help="posts need review before publishing")
    def create_department_cmd(slug: str, name: str, parent: str | None, review: bool) -> None:
        """Add a department."""
        from .departments.operations import create_department

        try:
            dept = create_department(slug, name, parent, review_required=review)
        except ServiceError as err:
            _fail(err)
        db.session.commit()
        click.echo(f"department {dept.slug} created")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--password", required=True)
    @click.option("--role", default="resident",
                  type=click.Choice(["resident", "staff", "reviewer", "dept_head", "supervisor", "admin"]))
    @click.option("--department", default=None, help="slug; staff's department or a supervisor's subtree")
    def create_user_cmd(username: str, password: str, role: str, department: str | None) -> None:
        """Add an account of any role."""
        from .auth.operations import create_user

        try:
            user = create_user(username, password, role, department)
        except ServiceError as err:
            _fail(err)
        db.session.commit()
        click.echo(f"user {user.username} ({user.role}) created")

    @app.cli.command("seed-demo")
    @click.option("--force", is_flag=True,
                  help="load the demo even though the database holds users the demo did not make")
    def seed_demo_cmd(force: bool) -> None:
        """A realistic demo: departments, staff, residents, posts, threads, answers.

        Meant for an empty database: it refuses one that already holds other users.
        """
        from .demo import DEMO_LOGINS, DemoRefused, seed_demo

        try:
            created = seed_demo(force=force)
        except DemoRefused as refused:
            db.session.rollback()
            shown = ", ".join(refused.usernames) + (", ..." if refused.total > len(refused.usernames) else "")
            raise click.ClickException(
                f"refusing to load the demo: this database already holds {refused.total} user(s) "
                f"the demo did not make ({shown}). The demo adds accounts with a published password "
                "and invented posts. Use an empty database, or pass --force to load it anyway."
            ) from None
        except ServiceError as err:  # --force on a database whose names clash with the demo's
            _fail(err)
        db.session.commit()
        click.echo("demo data loaded" if created else "demo data already present; nothing added")
        click.echo("demo logins (username / password):")
        for role, username, password in DEMO_LOGINS:
            click.echo(f"  {role:<11} {username} / {password}")

    @app.cli.command("seed-volume")
    @click.option("--posts", default=20_000, show_default=True, type=click.IntRange(0))
    @click.option("--threads", default=100_000, show_default=True, type=click.IntRange(0))
    @click.option("--departments", default=60, show_default=True, type=click.IntRange(2, 200))
    @click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3660))
    @click.option("--force", is_flag=True, help="seed even though the database holds real accounts")
    def seed_volume_cmd(posts: int, threads: int, departments: int, days: int, force: bool) -> None:
        """Bulk-load a county's year for benchmarks: posts, threads and answers over a department tree.

        Meant for a scratch database: it refuses one that holds accounts it (or seed-demo) did not make.
        """
        from .demo_volume import VolumeRefused, seed_volume

        try:
            made = seed_volume(posts, threads, departments, days, force=force, echo=click.echo)
        except VolumeRefused as refused:
            db.session.rollback()
            shown = ", ".join(refused.usernames) + (", ..." if refused.total > len(refused.usernames) else "")
            raise click.ClickException(
                f"refusing to seed: this database already holds {refused.total} real user(s) ({shown}). "
                "The volume adds accounts with a published password and invented threads. "
                "Use a scratch database, or pass --force to seed it anyway."
            ) from None
        except ServiceError as err:
            _fail(err)
        if made is None:
            click.echo("volume data already present; nothing added")
            return
        click.echo(f"volume loaded: {made['departments']} departments, {made['posts']} posts, "
                   f"{made['threads']} threads (long inbox: {made['backlog_department']}); "
                   "logins vol_admin, vol_ducha, vol_staff01, vol_resident0001 / demo-pass-2026")

    @app.cli.command("close-quiet-threads")
    def close_quiet_cmd() -> None:
        """Close answered threads that stayed quiet for the auto-close period (cron)."""
        from .threads.operations import close_quiet_threads

        n = close_quiet_threads()
        db.session.commit()
        click.echo(f"{n} threads closed")

    @app.cli.command("refresh-facts")
    def refresh_facts_cmd() -> None:
        """Recompute every thread's stored reply facts and the daily counts (after loading rows
        around the application, or after changing the site's time zone).

        The application keeps them in the transaction of each write; rows loaded straight into
        the tables have none, and the figures work them out from the rows until this runs.
        Safe to re-run.
        """
        from .metrics.upkeep import refresh

        n = refresh()
        db.session.commit()
        click.echo(f"reply facts refreshed for {n} threads")

    @app.cli.command("analyze")
    def analyze_cmd() -> None:
        """Refresh the database planner's statistics (nightly, cron).

        SQLite only walks the listed-posts index newest first once it has statistics; a
        database that grew by itself has none until this runs.
        """
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        click.echo("statistics refreshed")

    @app.cli.command("send-digests")
    def send_digests_cmd() -> None:
        """E-mail staff who opted in their department's awaiting and overdue threads (daily, cron)."""
        from .threads.digest import send_digests

        n = send_digests()
        db.session.commit()
        click.echo(f"{n} digests queued")

    @app.cli.command("send-outbox")
    def send_outbox_cmd() -> None:
        """Retry e-mail and SMS still waiting in the outbox (cron)."""
        from .notifications.delivery import send_pending

        sent, failed = send_pending()
        click.echo(f"{sent} sent, {failed} failed for good")

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1")
    @click.option("--port", default=5000, type=int)
    @click.option("--threads", default=8, type=int)
    def serve_cmd(host: str, port: int, threads: int) -> None:
        """Serve the site with waitress (a production-grade WSGI server)."""
        from waitress import serve

        click.echo(f"weibo_app is serving at http://{host}:{port}/  (Ctrl+C to stop)")
        serve(app, host=host, port=port, threads=threads)

    @app.cli.command("purge-idempotency-keys")
    def purge_idempotency_cmd() -> None:
        """Delete stored API answers older than IDEMPOTENCY_KEY_HOURS (cron; claims also purge)."""
        from .api.idempotency import purge_expired

        click.echo(f"{purge_expired(app)} idempotency keys purged")

    @app.cli.command("backup")
    @click.argument("path", required=False)
    def backup_cmd(path: str | None) -> None:
        """Back the database up (SQLite online backup, PostgreSQL pg_dump -Fc); default instance/backups/."""
        from .backup import BackupError, backup

        try:
            written = backup(path)
        except BackupError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"backup written to {written}")

    @app.cli.command("restore")
    @click.argument("path")
    @click.confirmation_option(prompt="Replace every row of the database by the backup?")
    def restore_cmd(path: str) -> None:
        """Replace the database by a backup made with ``flask backup`` (stop the site first)."""
        from .backup import BackupError, restore

        try:
            restore(path)
        except BackupError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"database restored from {path}")
