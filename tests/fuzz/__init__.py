"""Fuzzing: the shared invariants and an atheris target (not part of the pytest run)."""
