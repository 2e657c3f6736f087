"""An unknown email is checked against a dummy bcrypt hash of the cost the stored hashes
have, so that it takes as long as a known one whatever cost new passwords get."""

from __future__ import annotations

import bcrypt

from dashboard.core import security


def _cost(hashed: bytes) -> int:
    return int(hashed[4:6])


async def test_the_dummy_hash_follows_the_cost_of_the_stored_hashes(services):
    stored = bcrypt.hashpw(b"Correct-horse-42", bcrypt.gensalt(rounds=6)).decode()
    assert await security.verify_password("Correct-horse-42", stored)
    assert _cost(security._dummy_hash()) == 6
    assert not await security.verify_password("Correct-horse-42", None)

    other = bcrypt.hashpw(b"Correct-horse-42", bcrypt.gensalt(rounds=5)).decode()
    assert not await security.verify_password("wrong", other)
    assert _cost(security._dummy_hash()) == 5
