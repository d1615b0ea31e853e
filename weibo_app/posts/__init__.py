"""Posts: the public timeline, the post page, each department's page and the composer."""
