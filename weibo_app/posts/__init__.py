"""Posts: the public timeline, the post page and the composer."""
