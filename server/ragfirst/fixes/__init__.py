"""Fixes that change the code: per-rule edits (libcst for Python, tree-sitter node ranges
for JS/TS, positioned parsers for configs), their safety, and applying them faithfully."""
