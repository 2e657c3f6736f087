"""Which part of a long search term the trigram index should look up.

A search matches a text that contains the whole term, and pg_trgm answers `LIKE '%term%'`
by intersecting the index entries of every trigram of the term. For a long term most of
those trigrams are in nearly every row ("202" of the year in each student code, "STU",
"UDE" and "ENT" of the students' e-mail domain), and reading their entries is what the
search spends: at 50,000 students, 1.0 ms of the backend's CPU for a student code and
6.6 ms for a whole e-mail address, against 0.2 to 0.4 ms when the index is asked for six
characters of the term whose trigrams are rare and the rows it finds are then checked for
the whole term.

Which six characters: the window whose rarest trigram is rarest in a sample of the
searched texts (ties: the smaller sum of its trigrams' counts). The sample is a few
thousand rows read with `TABLESAMPLE`, kept per process and read again in the background
when it is older than `max_age`. Only the speed depends on it: a row that contains the
term contains every part of it, and the whole term is always checked. Until the first
sample is read, and when even the best window is common, the caller searches for the
whole term as before.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from collections.abc import Iterable

from tortoise import connections

logger = logging.getLogger(__name__)

WINDOW = 6
# A window is used only when at most this share of the sampled rows holds its rarest
# trigram: the rows it finds are all read and checked for the whole term.
RARE_SHARE = 0.02
SAMPLE_ROWS = 2000
SAMPLE_MAX_AGE_SECONDS = 600.0

# ASCII letters and digits only: their upper case is the same in Python and PostgreSQL,
# so a window of the upper-cased term is a part of PostgreSQL's UPPER(term).
_WORD = re.compile(r"[A-Z0-9]+")


def trigrams(text: str) -> set[str]:
    """The trigrams of the runs of ASCII letters and digits of `text`, upper-cased."""
    found: set[str] = set()
    for run in _WORD.findall(text.upper()):
        found.update(run[i:i + 3] for i in range(len(run) - 2))
    return found


def windows(term: str, width: int = WINDOW) -> list[str]:
    """The parts of `term` the index could be asked for: each `width` characters of its
    runs of letters and digits, and each shorter run of at least three."""
    found: list[str] = []
    for run in _WORD.findall(term.upper()):
        if len(run) < 3:
            continue
        if len(run) <= width:
            found.append(run)
        else:
            found.extend(run[i:i + width] for i in range(len(run) - width + 1))
    return found


def rarest_window(term: str, counts: Counter[str], sampled: int, *, width: int = WINDOW,
                  rare_share: float = RARE_SHARE) -> str | None:
    """The window of `term` to look up, or None when the whole term should be: it is no
    longer than a window, it has no run of three letters or digits, or even its best
    window has a trigram in more than `rare_share` of the `sampled` rows."""
    if len(term) <= width:
        return None
    best: tuple[int, int, str] | None = None
    for window in windows(term, width):
        frequencies = [counts.get(trigram, 0) for trigram in trigrams(window)]
        score = (min(frequencies), sum(frequencies), window)
        if best is None or score[:2] < best[:2]:
            best = score
    if best is None or best[0] > rare_share * max(sampled, 1):
        return None
    return best[2]


class TrigramSample:
    """Trigram counts of a sample of one table's search texts, for `rarest_window`.

    `sample_sql` returns the texts of about `SAMPLE_ROWS` rows (its one parameter is that
    number). `window_for` never waits for the database: it answers from the sample in
    hand and starts reading a new one in the background when there is none or it is old."""

    def __init__(self, sample_sql: str, *, max_age: float = SAMPLE_MAX_AGE_SECONDS) -> None:
        self._sample_sql = sample_sql
        self._max_age = max_age
        self._counts: Counter[str] = Counter()
        self._sampled = 0
        self._read_at: float | None = None
        self._reading: asyncio.Task[None] | None = None

    @property
    def sample_sql(self) -> str:
        return self._sample_sql

    def window_for(self, term: str) -> str | None:
        if self._read_at is None or time.monotonic() - self._read_at > self._max_age:
            self._read_in_background()
        if self._read_at is None:
            return None
        return rarest_window(term, self._counts, self._sampled)

    async def refresh(self) -> None:
        """Reads a new sample now."""
        rows = await connections.get("default").execute_query(self._sample_sql, [SAMPLE_ROWS])
        self.load(row[0] for row in rows[1])

    def load(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        sampled = 0
        for text in texts:
            counts.update(trigrams(text))
            sampled += 1
        self._counts, self._sampled, self._read_at = counts, sampled, time.monotonic()

    def forget(self) -> None:
        """Back to no sample (tests, and a process that should not trust the old one)."""
        self._counts, self._sampled, self._read_at = Counter(), 0, None

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
