"""Rules are data: YAML packs compiled into matchers; this package loads and validates them."""
