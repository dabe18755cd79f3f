"""Scaling out: PostgreSQL decides and records every step; Redis carries what may be lost."""
