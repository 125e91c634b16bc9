"""The language server: a thin LSP adapter over the same Engine the CLI uses."""
