"""Benchmarks of pipeline stages against public gold data (SkillSpan, ...)."""
