"""One module per group of notifications the server handles (ruff's `server/api/notifications`)."""
