"""The WSGI entry for production servers: ``gunicorn weibo_app.wsgi:app``.

Settings come from the environment (``DATABASE_URL``, ``REDIS_URL``,
``SECRET_KEY``, ``WEIBO_*``) and ``instance/config.py``; see README.
Do not use gunicorn's ``--preload``: each worker must open its own
database connections and start its own view flusher after the fork.
"""

from . import create_app

app = create_app()
