"""A file swapped for a FIFO (or a device) between discovery and reading never blocks the
run: the engine's reader opens without blocking and checks the type of what it opened,
as the config reader does (issue 25, "Time and memory")."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")

SWAP_AFTER_DISCOVERY = textwrap.dedent(
    """\
    import os, sys
    from pathlib import Path
    from ragfirst.engine import discovery, runner
    from ragfirst.config.settings import ConfigResolver

    real_discover_files = runner.discover_files

    def discover_then_swap(*args, **kwargs):
        for found in real_discover_files(*args, **kwargs):
            path = found[0] if isinstance(found, tuple) else found
            if Path(str(path)).name == "victim.py":
                os.unlink(path)
                os.mkfifo(path)
            yield found

    runner.discover_files = discover_then_swap
    result = runner.lint_paths([Path(".")], ConfigResolver(), lambda s: s, runner.EngineCache(), int(sys.argv[1]), None)
    for finding in result.findings:
        print(finding.path, finding.rule_id, finding.message)
    """
)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_that_becomes_a_fifo_after_discovery_does_not_block(tmp_path, jobs):
    (tmp_path / "victim.py").write_text("import openai\n")
    (tmp_path / "other.py").write_text("import openai\n")
    done = subprocess.run(
        [sys.executable, "-P", "-c", SWAP_AFTER_DISCOVERY, str(jobs)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "victim.py RF000 cannot read file: not a regular file" in done.stdout, done.stdout


def test_the_engines_reader_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    program = "from ragfirst.engine.engine import read_file_bytes\nimport sys\n"
    program += (
        "try:\n    read_file_bytes(sys.argv[1], 100)\nexcept OSError as exc:\n    print(exc.strerror)\n"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", program, str(fifo)], capture_output=True, text=True, timeout=30
    )
    assert done.stdout.strip() == "not a regular file", done.stderr
