"""A worker, once started, sets what it built aside from the cyclic garbage collector and collects
its youngest objects less often: it makes a few dozen objects for each event and keeps few."""

from __future__ import annotations

import gc

from hubs.runtime.lifecycle import YOUNG_GENERATION_OBJECTS, settle_heap


def test_a_started_process_sets_what_it_built_aside_and_collects_young_objects_less_often():
    before = gc.get_threshold()
    built_at_start = [{"compiled": n} for n in range(1_000)]
    try:
        settle_heap()
        assert gc.get_freeze_count() >= len(built_at_start)
        assert gc.get_threshold() == (YOUNG_GENERATION_OBJECTS, before[1], before[2])
        assert before[0] < YOUNG_GENERATION_OBJECTS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
