"""Allow `python -m ragfirst` (the editor extension starts the server this way)."""

from ragfirst.cli.main import main

raise SystemExit(main())
