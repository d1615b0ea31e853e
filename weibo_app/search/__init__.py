"""Search across posts and threads: an index kept in the database's own transaction (see ddl.py)."""
