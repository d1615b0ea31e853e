"""In-app notifications with an unread badge, and optional e-mail through SMTP."""
