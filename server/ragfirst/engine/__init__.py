"""The engine: file contents in, findings out. Knows nothing of terminals or LSP."""
