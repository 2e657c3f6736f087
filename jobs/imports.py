"""Bulk imports: the dry run, the commit, and the invitations of imported accounts."""

from __future__ import annotations

from typing import Any

from dashboard.core.actor import Actor
from dashboard.core.queue import handles
from dashboard.services import imports
from jobs.emails import deliver

INVITATION_SUBJECT = "Your University Dashboard account"
INVITATION_TEXT = """Hello {name},

An account has been created for you on University Dashboard, for this email address.

To choose your password, open the sign-in page, choose "Forgot password" and enter this
email address: a one-time code will be emailed to you to set it.
"""


@handles(imports.ValidateImport)
async def validate_import(ctx: dict[str, Any], *, import_id: int) -> str:
    return await imports.validate_import(Actor.system(), import_id=import_id)


@handles(imports.CommitImport)
async def commit_import(ctx: dict[str, Any], *, import_id: int) -> str:
    return await imports.commit_rows(Actor.system(), import_id=import_id)


@handles(imports.SendImportInvitations)
async def send_import_invitations(ctx: dict[str, Any], *, import_id: int, user_ids: tuple[int, ...]) -> str:
    """No secret in the message: it sends the person to the password reset, whose code
    is made when they ask. Accounts already taken up (verified) are skipped, and each
    sent invitation is remembered, so a retry sends only those not sent yet."""
    sent = 0
    for person in await imports.invitees(Actor.system(), user_ids=user_ids):
        if await imports.already_invited(import_id=import_id, user_id=person.user_id):
            continue
        await deliver(ctx, to=person.email, subject=INVITATION_SUBJECT,
                      text=INVITATION_TEXT.format(name=person.first_name), html=None)
        await imports.mark_invited(import_id=import_id, user_id=person.user_id)
        sent += 1
    return f"{sent} invitations for import {import_id}"
