"""Input models (pydantic v2, strict, unknown keys forbidden)."""
