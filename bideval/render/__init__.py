"""Renderers: each takes a `Result` and returns bytes or text. They compute nothing new."""
