"""ragfirst: a linter and language server that puts retrieval before training."""

__version__ = "0.1.0"
