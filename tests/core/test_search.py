"""The part of a long search term that the trigram index is asked for."""

from __future__ import annotations

import asyncio
from collections import Counter

from dashboard.core.search import TrigramSample, rarest_window, trigrams, windows

# As in a sample of 100 students of one year: the code's year and department in every
# row, the serial's digits rarer the further right.
CODE_COUNTS = Counter({"CSE": 100, "SE2": 100, "E20": 100, "202": 100, "026": 90, "260": 50, "600": 40,
                       "001": 30, "012": 3, "123": 1})


def test_trigrams_and_windows_are_those_of_the_runs_of_letters_and_digits():
    assert trigrams("ab-cde.f") == {"CDE"}
    assert trigrams("Müller") == {"LLE", "LER"}
    assert windows("adm/2026/000123") == ["ADM", "2026", "000123"]
    assert windows("cse2026001") == ["CSE202", "SE2026", "E20260", "202600", "026001"]
    assert windows("a-b-cd") == []


def test_the_window_with_the_rarest_trigram_is_chosen():
    assert rarest_window("cse202600123", CODE_COUNTS, 100) == "600123"


def test_a_tie_on_the_rarest_trigram_goes_to_the_smaller_sum():
    counts = Counter({"ABC": 1, "BCD": 50, "CDE": 50, "DEF": 50, "EFG": 1, "FGH": 1, "GHI": 1})
    # ABCDEF and BCDEFG share the 1 of ABC/EFG; CDEFGH and DEFGHI sum less.
    assert rarest_window("abcdefghi", counts, 100) == "DEFGHI"


def test_the_whole_term_is_searched_when_no_part_would_do_better():
    assert rarest_window("cse202", CODE_COUNTS, 100) is None, "no longer than a window"
    assert rarest_window("a-b-c-d-e-f", CODE_COUNTS, 100) is None, "no run of three"
    common = Counter(dict.fromkeys(trigrams("student.university"), 100))
    assert rarest_window("student.university", common, 100) is None, "every part is common"
    # A trigram the sample never saw is the rarest there is.
    assert rarest_window("qzxqzxqzx", Counter(), 2000) == "QZXQZX"


async def test_the_sample_is_read_in_the_background_on_first_use():
    loaded: list[str] = []

    class Sample(TrigramSample):
        async def refresh(self) -> None:
            await asyncio.sleep(0)
            loaded.append("read")
            self.load(["CSE202600001", "CSE202600002", "VIVAAN.VARGHESE@STUDENT.UNIVERSITY.EXAMPLE"])

    sample = Sample("unused")
    assert sample.window_for("cse202600123") is None, "no sample yet: the whole term"
    for _ in range(5):
        await asyncio.sleep(0)
    assert loaded == ["read"]
    assert sample.window_for("cse202600123") == "600123"
    assert loaded == ["read"], "a fresh sample is not read again"
    sample.forget()
    assert sample.window_for("cse202600123") is None
