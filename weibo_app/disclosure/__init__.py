"""Information requests under the Regulation on the Disclosure of Government Information (依申请公开)."""
