"""The collector is paused from an edit's lint to its published diagnostics (engine/collector.py)."""

from __future__ import annotations

import gc

from ragfirst.engine.collector import collector_paused


def test_the_pause_nests_and_restores_the_collector():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a second lint meanwhile
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first lint is not published yet
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_the_pause_resumes_the_collector():
    try:
        with collector_paused():
            raise ValueError("a lint failed")
    except ValueError:
        pass
    assert gc.isenabled()
