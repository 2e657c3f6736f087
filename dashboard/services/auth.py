"""Identity: turning a verified token into the Actor that services receive."""

from __future__ import annotations

from tortoise import connections

from dashboard.core.actor import Actor
from dashboard.core.errors import NotAuthenticated
from dashboard.core.security import TokenClaims, TokenType, decode_token, ensure_not_revoked
from models.enums import UserType

# One round trip per request: the user and every profile row linked to it.
_ACTOR_SQL = """
SELECT u.id, u.user_type, u.is_active,
       (SELECT s.id FROM students s WHERE s.user_id = u.id) AS student_id,
       (SELECT f.id FROM faculty f WHERE f.user_id = u.id) AS faculty_id,
       (SELECT p.id FROM parents p WHERE p.user_id = u.id) AS parent_id,
       (SELECT a.id FROM admin_staff a WHERE a.user_id = u.id) AS admin_staff_id,
       ARRAY(SELECT c.id FROM students c JOIN parents cp ON cp.id IN (c.parent_id, c.guardian_id)
             WHERE cp.user_id = u.id ORDER BY c.id) AS children
FROM users u WHERE u.id = $1
"""


async def load_actor(user_id: int, *, ip_address: str | None = None, user_agent: str | None = None) -> Actor:
    """The live user behind a token: a deactivated or deleted user is refused at once,
    and a changed role takes effect on the next request."""
    rows = await connections.get("default").execute_query_dict(_ACTOR_SQL, [user_id])
    if not rows or not rows[0]["is_active"]:
        raise NotAuthenticated("Invalid or expired token")
    row = rows[0]
    student_id = row["student_id"]
    own = (student_id,) if student_id is not None else tuple(row["children"] or ())
    return Actor.for_user(
        user_id=row["id"],
        role=UserType(row["user_type"]),
        student_id=student_id,
        faculty_id=row["faculty_id"],
        parent_id=row["parent_id"],
        admin_staff_id=row["admin_staff_id"],
        own_student_ids=own,
        ip_address=ip_address,
        user_agent=user_agent,
    )


async def actor_from_access_token(
    token: str, *, ip_address: str | None = None, user_agent: str | None = None
) -> tuple[Actor, TokenClaims]:
    claims = decode_token(token, TokenType.ACCESS)
    await ensure_not_revoked(claims)
    actor = await load_actor(claims.user_id, ip_address=ip_address, user_agent=user_agent)
    return actor, claims
