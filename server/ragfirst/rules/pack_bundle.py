"""Write the built-in packs and tables as shipped parsed (rules/pack_cache.py `BUNDLE_NAME`).

`python -m ragfirst.rules.pack_bundle` (`make rules-bundle`) after editing any YAML under
rules/; `--check` exits 1 when the bundle is not the one the YAML gives. Built from the YAML
alone, the way a run fills its cache directory: each pack is parsed, its rules are built
(which records the positions they ask for) and it is kept only if JSON gives its data back;
each table is kept likewise. A stale or missing bundle costs a run its YAML parse, never a
wrong rule: entries are looked up by a digest of the text they were parsed from.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ragfirst.positioned_yaml import load_positioned
from ragfirst.resources import builtin_rules_dir
from ragfirst.rules.loader import builtin_pack_paths, compile_pack
from ragfirst.rules.pack_cache import BUNDLE_NAME, FILE_NAME, PackCache, watch


def table_paths() -> list[Path]:
    """The data tables: every YAML file of rules/ itself (the packs are in rules/packs/)."""
    return sorted(builtin_rules_dir().glob("*.yaml"))


def bundle_text() -> str:
    """The bundle the YAML now under rules/ gives."""
    with tempfile.TemporaryDirectory() as scratch:
        cache = PackCache(Path(scratch))
        for path in builtin_pack_paths():
            text = path.read_bytes().decode("utf-8")  # as loader.load_pack reads it (CRLF kept)
            watched = watch(load_positioned(text))
            compile_pack(watched, str(path), builtin=True)
            cache.put(text, watched)
        for path in table_paths():
            text = path.read_text(encoding="utf-8")  # as data/tables.py reads it
            cache.keep_table(text, load_positioned(text).data)
        cache.save()
        return (Path(scratch) / FILE_NAME).read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ragfirst.rules.pack_bundle", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the bundle is out of date")
    args = parser.parse_args(argv)
    target = builtin_rules_dir() / BUNDLE_NAME
    text = bundle_text()
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != text:
            print(f"{target} is out of date with the rule YAML: run `make rules-bundle`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
