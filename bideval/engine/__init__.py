"""Pure scoring: methods, the evaluator panel, gates, and the criteria tree."""
