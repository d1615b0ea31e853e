"""Reach: following departments, likes, reposts (转发) and topics (#话题#)."""
