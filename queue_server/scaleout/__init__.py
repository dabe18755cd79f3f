"""Scaling out: the hall's live state and event stream in Redis, PostgreSQL as the record."""
