"""profilelint: a schema validator and linter for occupation profile YAML files."""

__version__ = "0.1.0"
