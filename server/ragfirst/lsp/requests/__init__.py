"""One module per request the server answers (as ruff's `server/api/requests`)."""
