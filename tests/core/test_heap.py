"""The web app settles its heap when it starts: start-up objects leave the collector's
scans, later garbage is still collected."""

import gc
import weakref


async def test_start_up_objects_are_frozen_and_later_cycles_still_collected(app):
    assert gc.get_freeze_count() > 0

    class Node:
        pass

    node = Node()
    node.self = node  # a reference cycle: only the cyclic collector frees it
    alive = weakref.ref(node)
    del node
    gc.collect()
    assert alive() is None
