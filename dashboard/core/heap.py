"""The garbage collector of a long-running process (a web worker, a job worker)."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Take what start-up made (modules, models, schemas, routes, templates: most of the
    process's objects, all kept for its whole life) out of the cyclic garbage collector's
    scans, once the process is ready to serve.

    Without it every full collection walked all of them: on one web worker listing the
    1,315 available rooms of the 50,000-student university, 19 full collections in ten
    seconds took about 125 ms each, and every request in flight waited for them (p99
    166 ms against 33 ms with the start-up objects frozen, and 170 against 279 requests
    per second). Objects made later are collected as before."""
    gc.collect()
    gc.freeze()
