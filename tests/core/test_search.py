"""The trigrams of a long search term that the trigram index is asked for."""

from __future__ import annotations

import asyncio
import itertools

from dashboard.core.search import TrigramSample, positioned_trigrams, rarest_part, trigrams


async def _rows_with(texts: list[str]) -> dict[str, int]:
    sample = TrigramSample("unused")
    await sample.load(texts)
    return sample._rows_with


# 200 students of five departments and two years: the department and the year are in a
# fifth and a half of the codes, the last digits in a tenth.
CODES = [f"{department}{year}00{serial:03d}" for department in ("CSE", "ECE", "PHY", "MEC", "CIV")
         for year in (2025, 2026) for serial in range(1, 21)]


def test_trigrams_are_those_of_the_runs_of_letters_and_digits():
    assert trigrams("ab-cde.f") == {"CDE"}
    assert trigrams("Müller") == {"LLE", "LER"}
    assert positioned_trigrams("adm/2026") == [(0, "ADM"), (4, "202"), (5, "026")]


async def test_the_trigrams_that_together_the_fewest_rows_hold_are_chosen_in_the_terms_order():
    rows_with = await _rows_with(CODES)
    part = rarest_part("phy202600017", rows_with, len(CODES))
    assert part is not None
    chosen = part.strip("%").split("%")
    assert len(chosen) <= 3 and all(len(t) == 3 for t in chosen)
    # Each in the term, none overlapping another, in the term's order: any text holding the
    # term holds the pattern.
    positions = ["PHY202600017".index(t) for t in chosen]
    assert positions == sorted(positions)
    assert all(b - a >= 3 for a, b in itertools.pairwise(positions))
    held = [code for code in CODES if all(t in code for t in chosen)]
    assert held == ["PHY202600017"]


async def test_the_whole_term_is_searched_when_no_part_would_do_better():
    rows_with = await _rows_with(CODES)
    assert rarest_part("cse20", rows_with, len(CODES)) is None, "three trigrams: all of them anyway"
    assert rarest_part("a-b-c-d-e-f", rows_with, len(CODES)) is None, "no run of three"
    everyone = await _rows_with(["STUDENT.UNIVERSITY"] * 100)
    assert rarest_part("student.university", everyone, 100) is None, "every part is common"
    assert rarest_part("cse202600123", {}, 0) is None, "a sample of an empty table tells nothing"
    # A trigram the sample never saw is the rarest there is.
    assert rarest_part("qzxqzxqzx", {}, 2000) == "%QZX%"


async def test_the_sample_is_read_in_the_background_on_first_use():
    loaded: list[str] = []

    class Sample(TrigramSample):
        async def refresh(self) -> None:
            await asyncio.sleep(0)
            loaded.append("read")
            await self.load(CODES)

    sample = Sample("unused")
    assert sample.part_for("phy202600017") is None, "no sample yet: the whole term"
    part = None
    for _ in range(100):
        await asyncio.sleep(0)
        part = sample.part_for("phy202600017")
        if part is not None:
            break
    assert part is not None
    assert loaded == ["read"], "one read, however many searches came meanwhile, and none while fresh"
    sample.forget()
    assert sample.part_for("phy202600017") is None
