"""Insights: readiness before each paid step, cohort benchmarks, the program dashboard."""
