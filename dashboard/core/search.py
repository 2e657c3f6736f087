"""Which parts of a long search term the trigram index should look up.

A search matches a text that contains the whole term, and pg_trgm answers `LIKE '%term%'`
by intersecting the index entries of every trigram of the term. For a long term most of
those trigrams are in nearly every row ("202" of the year in each student code, "STU",
"UDE" and "ENT" of the students' e-mail domain), and reading their entries is what the
search spends: at 50,000 students, 1.0 ms of the backend's CPU for a student code and
6.6 ms for a whole e-mail address, against 0.2 to 0.5 ms when the index is asked for a
few rare trigrams of the term and the rows it finds are then checked for the whole term.

Which trigrams: those that together the fewest rows of a sample of the searched texts
hold, at most `MOST_TRIGRAMS`, none overlapping another, in the order the term has them
(`LIKE '%PHY%600%001%'` for PHY202600001: every text containing the term contains that).
The sample is a few thousand rows read with `TABLESAMPLE`, kept per process as one bit
mask of sampled rows per trigram, and read again in the background when it is older
than `max_age`. Only the speed depends on it, never the answer: the whole term is always
checked. Until the first sample is read, for a term of few trigrams, and when even the
best choice leaves many rows to check, the caller searches for the whole term as before.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Iterable, Mapping

from tortoise import connections

logger = logging.getLogger(__name__)

MOST_TRIGRAMS = 3
# The part is used only when at most this share of the sampled rows holds it: the rows
# it finds are all read and checked for the whole term.
RARE_SHARE = 0.02
# Rare enough: more trigrams would cost more index entries than the rows they spare.
ENOUGH_SHARE = 0.001
SAMPLE_ROWS = 2000
SAMPLE_MAX_AGE_SECONDS = 600.0
LOAD_BATCH = 50

# ASCII letters and digits only: their upper case is the same in Python and PostgreSQL,
# so a trigram of the upper-cased term is a part of PostgreSQL's UPPER(term).
_WORD = re.compile(r"[A-Z0-9]+")


def positioned_trigrams(text: str) -> list[tuple[int, str]]:
    """Each trigram of the runs of ASCII letters and digits of `text`, upper-cased, with
    where it starts."""
    found: list[tuple[int, str]] = []
    for run in _WORD.finditer(text.upper()):
        word = run.group()
        found.extend((run.start() + i, word[i:i + 3]) for i in range(len(word) - 2))
    return found


def trigrams(text: str) -> set[str]:
    return {trigram for _, trigram in positioned_trigrams(text)}


def rarest_part(term: str, rows_with: Mapping[str, int], sampled: int, *, most: int = MOST_TRIGRAMS,
                rare_share: float = RARE_SHARE, enough_share: float = ENOUGH_SHARE) -> str | None:
    """A LIKE pattern of up to `most` trigrams of `term` that the fewest sampled rows hold
    together (`rows_with`: trigram -> bit mask of the `sampled` rows holding it), or None
    when the whole term should be looked up: it has no more trigrams than that, or the
    best choice is still held by more than `rare_share` of the rows."""
    found = positioned_trigrams(term)
    if len(found) <= most:
        return None
    rows = (1 << sampled) - 1
    chosen: list[tuple[int, str]] = []
    # Positions a further trigram may not start at: it would overlap one chosen.
    blocked: set[int] = set()
    while len(chosen) < most and rows.bit_count() > enough_share * sampled:
        best: tuple[int, int, str, int] | None = None
        for position, trigram in found:
            if position in blocked:
                continue
            left = rows & rows_with.get(trigram, 0)
            held = left.bit_count()
            if best is None or held < best[0]:
                best = (held, position, trigram, left)
        if best is None or (chosen and best[3] == rows):
            break
        chosen.append((best[1], best[2]))
        blocked.update(range(best[1] - 2, best[1] + 3))
        rows = best[3]
    # Nothing chosen (a sample of no rows, read while the table was empty) would ask for
    # every row in the scan that cannot stop at the limit.
    if not chosen or rows.bit_count() > rare_share * sampled:
        return None
    return "%" + "%".join(trigram for _, trigram in sorted(chosen)) + "%"


class TrigramSample:
    """Which sampled rows hold each trigram, for `rarest_part`, of one table's search texts.

    `sample_sql` returns the texts of about `SAMPLE_ROWS` rows (its one parameter is that
    number). `part_for` never waits for the database: it answers from the sample in hand
    and starts reading a new one in the background when there is none or it is old."""

    def __init__(self, sample_sql: str, *, max_age: float = SAMPLE_MAX_AGE_SECONDS) -> None:
        self._sample_sql = sample_sql
        self._max_age = max_age
        self._rows_with: dict[str, int] = {}
        self._sampled = 0
        self._read_at: float | None = None
        self._reading: asyncio.Task[None] | None = None

    @property
    def sample_sql(self) -> str:
        return self._sample_sql

    def part_for(self, term: str) -> str | None:
        if self._read_at is None or time.monotonic() - self._read_at > self._max_age:
            self._read_in_background()
        if self._read_at is None:
            return None
        return rarest_part(term, self._rows_with, self._sampled)

    async def refresh(self) -> None:
        """Reads a new sample now."""
        rows = await connections.get("default").execute_query(self._sample_sql, [SAMPLE_ROWS])
        await self.load(row[0] for row in rows[1])

    async def load(self, texts: Iterable[str]) -> None:
        rows_with: dict[str, int] = {}
        sampled = 0
        for text in texts:
            bit = 1 << sampled
            for trigram in trigrams(text):
                rows_with[trigram] = rows_with.get(trigram, 0) | bit
            sampled += 1
            if sampled % LOAD_BATCH == 0:
                # A sample takes tens of milliseconds to count; the requests in flight
                # on this worker go on meanwhile.
                await asyncio.sleep(0)
        self._rows_with, self._sampled, self._read_at = rows_with, sampled, time.monotonic()

    def forget(self) -> None:
        """Back to no sample (tests, and a process that should not trust the old one)."""
        self._rows_with, self._sampled, self._read_at = {}, 0, None

    def _read_in_background(self) -> None:
        if self._reading is not None and not self._reading.done():
            return
        self._reading = asyncio.get_running_loop().create_task(self._read_logged())

    async def _read_logged(self) -> None:
        try:
            await self.refresh()
        except Exception:
            # Only the speed of long search terms depends on the sample; the searches go
            # on with the whole term and the next one tries again.
            logger.warning("search sample could not be read", exc_info=True)
