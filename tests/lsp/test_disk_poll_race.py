"""A save while a disk check is already running (CI flake of
test_new_files_on_disk, stop 30): the running check may have read the disk before the
save's change, so a save (a forced check) must run one more check after it, never just
wait for the running one."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

from ragfirst.lsp.indexing import Indexer


def make_indexer() -> tuple[Indexer, list[int], threading.Event, list[int]]:
    relinted: list[int] = []

    async def relint_open_documents() -> None:
        relinted.append(1)

    ls = SimpleNamespace(
        reconfigure=lambda: None, scheduler=SimpleNamespace(relint_open_documents=relint_open_documents)
    )
    indexer = Indexer(ls)  # type: ignore[arg-type]
    indexer.indexed.set()
    release = threading.Event()
    calls: list[int] = []

    def poll_disk() -> tuple[bool, bool]:
        calls.append(len(calls))
        if len(calls) == 1:
            release.wait(60)  # the first check is slow: it read the disk before the save
            return False, False
        return True, False  # the second one sees the deletion

    indexer.poll_disk = poll_disk  # type: ignore[method-assign]
    return indexer, calls, release, relinted


async def until(predicate) -> None:
    """Wait for the event (a worker thread's call, a flag set by a task), not for a time:
    a loaded machine started the check's thread later than a 50 ms sleep."""
    deadline = asyncio.get_running_loop().time() + 60
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_a_save_during_a_running_check_checks_again():
    indexer, calls, release, relinted = make_indexer()
    indexer.poll_disk_soon()  # the check after a lint (not forced)
    await until(lambda: calls)
    assert calls == [0]
    saved = asyncio.ensure_future(indexer.poll_now())  # the user saves meanwhile
    await until(lambda: indexer._poll_again)  # the save is noted while the check runs
    release.set()
    await asyncio.wait_for(saved, 60)
    assert calls == [0, 1]  # a second check, after the running one
    assert relinted == [1]


async def test_an_unforced_request_during_a_check_does_not_queue_another():
    indexer, calls, release, relinted = make_indexer()
    indexer.poll_disk_soon(force=True)
    await until(lambda: calls)  # the check is running
    indexer.poll_disk_soon()  # a lint ended meanwhile: the running check is enough
    release.set()
    await asyncio.wait_for(indexer._poll_task, 60)
    assert calls == [0]
    assert relinted == []
