"""Evaluation: known-Q&A suites, metrics, runner, reports."""
