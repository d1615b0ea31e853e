"""The posts' command-line jobs (run from cron): ``flask --app weibo_app publish-due``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..core.extensions import db
from .lifecycle import publish_due


@click.command("publish-due")
@with_appcontext
def publish_due_cmd() -> None:
    """Mark scheduled posts whose time has come as published (run from cron)."""
    n = publish_due()
    db.session.commit()
    click.echo(f"{n} scheduled posts published")
