"""/api/v1/notifications: sending and its fan-out by the worker, scheduled and draft
notices, the inbox, reading, the global list, delete, and the emails (domain.md §3.15)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.core.actor import Actor
from dashboard.core.queue import enqueue
from dashboard.core.roles import permissions_of
from dashboard.services import notifications as service
from dashboard.services.notifications import FanOutNotification
from dashboard.settings import get_settings
from models import AuditLog, Notification, UserNotification
from models.enums import NotificationStatus, UserType
from tests import factories

URL = "/api/v1/notifications"


def _body(**overrides) -> dict:
    body = {"title": "Library closed", "message": "Closed on Friday.", "notification_type": "announcement",
            "target_audience": "all", "priority": "medium"}
    body.update(overrides)
    return body


async def _recipients(notification_id: int) -> list[int]:
    return sorted(await UserNotification.filter(notification_id=notification_id).values_list("user_id", flat=True))


@pytest.fixture
async def people(admin_client, staff_client):
    """Two students, one faculty member, one parent, one inactive student, besides the
    admin and staff callers."""
    students = [await factories.create_user(user_type=UserType.STUDENT) for _ in range(2)]
    teacher = await factories.create_user(user_type=UserType.FACULTY)
    parent = await factories.create_user(user_type=UserType.PARENT)
    await factories.create_user(user_type=UserType.STUDENT, is_active=False)
    return {"students": students, "teacher": teacher, "parent": parent,
            "admin": admin_client.user, "staff": staff_client.user}


# --- sending and fan-out ----------------------------------------------------------------------


@pytest.mark.parametrize(("audience", "expected"), [
    ("all", ["students", "teacher", "parent", "admin", "staff"]),
    ("students", ["students"]),
    ("faculty", ["teacher"]),
    ("staff", ["admin", "staff"]),
])
async def test_each_audience_reaches_its_active_users(admin_client, people, run_jobs, audience, expected):
    response = await admin_client.post(URL, json=_body(target_audience=audience))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "sent" and created["sent_at"] and created["sent_by"] == people["admin"].id
    assert await _recipients(created["id"]) == []  # the request only queued the fan-out
    await run_jobs()
    wanted = []
    for name in expected:
        wanted += [u.id for u in people[name]] if name == "students" else [people[name].id]
    assert await _recipients(created["id"]) == sorted(wanted)


async def test_audience_count_matches_the_fan_out(admin_client, people):
    counts = {}
    for audience in ("all", "students", "faculty", "staff"):
        response = await admin_client.get(f"{URL}/audience", params={"target_audience": audience})
        assert response.status_code == 200, response.text
        counts[audience] = response.json()["recipients"]
    assert counts == {"all": 6, "students": 2, "faculty": 1, "staff": 2}
    ids = [people["teacher"].id, people["teacher"].id, people["parent"].id]
    response = await admin_client.get(f"{URL}/audience", params={"target_audience": "specific", "target_id": ids})
    assert response.json()["recipients"] == 2


async def test_specific_is_deduplicated_and_validated(admin_client, people, run_jobs):
    teacher, parent = people["teacher"].id, people["parent"].id
    response = await admin_client.post(URL, json=_body(target_audience="specific",
                                                       target_id=[parent, teacher, parent]))
    assert response.status_code == 201, response.text
    assert response.json()["target_user_ids"] == [parent, teacher]
    await run_jobs()
    assert await _recipients(response.json()["id"]) == sorted([teacher, parent])

    before = await Notification.all().count()
    response = await admin_client.post(URL, json=_body(target_audience="specific", target_id=[teacher, 999999]))
    assert response.status_code == 400 and "999999" in response.json()["detail"]
    response = await admin_client.post(URL, json=_body(target_audience="specific"))
    assert response.status_code == 422
    response = await admin_client.post(URL, json=_body(target_audience="students", target_id=[teacher]))
    assert response.status_code == 422
    assert await Notification.all().count() == before


async def test_the_alias_target_user_ids_is_accepted(admin_client, people, run_jobs):
    response = await admin_client.post(URL, json=_body(target_audience="specific",
                                                       target_user_ids=[people["teacher"].id]))
    assert response.status_code == 201, response.text
    await run_jobs()
    assert await _recipients(response.json()["id"]) == [people["teacher"].id]


async def test_a_draft_fans_out_to_nobody(admin_client, people, run_jobs):
    response = await admin_client.post(URL, json=_body(status="draft"))
    assert response.status_code == 201 and response.json()["status"] == "draft"
    assert response.json()["sent_at"] is None
    await run_jobs()
    assert await _recipients(response.json()["id"]) == []
    # Even a fan-out job queued by hand adds nobody to a draft.
    assert await service.fan_out(Actor.system(), notification_id=response.json()["id"]) == 0


async def test_a_scheduled_notice_is_delivered_only_after_its_time(admin_client, people, run_jobs):
    when = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    response = await admin_client.post(URL, json=_body(target_audience="faculty", status="scheduled",
                                                       scheduled_at=when.isoformat()))
    assert response.status_code == 201, response.text
    notification_id = response.json()["id"]
    assert response.json()["sent_at"] is None and response.json()["status"] == "scheduled"
    await run_jobs()
    assert await service.deliver_due(Actor.system()) == []
    assert await _recipients(notification_id) == []

    later = when + dt.timedelta(seconds=1)
    assert await service.deliver_due(Actor.system(), now=later) == [notification_id]
    notification = await Notification.get(id=notification_id)
    assert notification.status is NotificationStatus.SENT and notification.sent_at is not None
    assert await _recipients(notification_id) == [people["teacher"].id]
    # The next run finds nothing more to deliver.
    assert await service.deliver_due(Actor.system(), now=later) == []


async def test_the_cron_job_delivers_due_notices(admin_client, people):
    from jobs.notifications import deliver_scheduled_notifications

    notification = await Notification.create(
        title="Exam hall change", message="Hall B", notification_type="info", target_audience="staff",
        priority="high", sent_by_id=people["admin"].id, status="scheduled",
        scheduled_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert await deliver_scheduled_notifications({}) == 1
    assert await _recipients(notification.id) == sorted([people["admin"].id, people["staff"].id])


async def test_scheduled_needs_a_future_time(admin_client, people):
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()
    assert (await admin_client.post(URL, json=_body(status="scheduled", scheduled_at=past))).status_code == 400
    assert (await admin_client.post(URL, json=_body(status="scheduled"))).status_code == 422
    assert (await admin_client.post(URL, json=_body(status="failed"))).status_code == 422
    assert (await admin_client.post(URL, json=_body(scheduled_at=past))).status_code == 422
    assert await Notification.all().count() == 0


async def test_a_retried_fan_out_adds_nobody_twice(admin_client, people, run_jobs):
    response = await admin_client.post(URL, json=_body(target_audience="students"))
    notification_id = response.json()["id"]
    await run_jobs()
    assert len(await _recipients(notification_id)) == 2
    await enqueue(FanOutNotification(notification_id=notification_id))
    await run_jobs()
    assert await service.fan_out(Actor.system(), notification_id=notification_id) == 0
    assert len(await _recipients(notification_id)) == 2
    # A student who joins later is added by a rerun; nobody else is repeated.
    late = await factories.create_user(user_type=UserType.STUDENT)
    assert await service.fan_out(Actor.system(), notification_id=notification_id) == 1
    assert late.id in await _recipients(notification_id)



async def test_a_large_audience_is_written_in_parts_once_each(admin_client, people, run_jobs, smtp_sink,
                                                              monkeypatch):
    from dashboard.core import cache
    from dashboard.core.queue import DEFAULT_QUEUE
    from dashboard.services.notifications import FanOutRecipients

    monkeypatch.setattr(service, "FAN_OUT_PART", 2)
    monkeypatch.setattr(get_settings(), "notification_email_batch", 1)
    more = [await factories.create_user(user_type=UserType.STUDENT) for _ in range(3)]
    students = sorted(u.id for u in [*people["students"], *more])
    response = await admin_client.post(URL, json=_body(target_audience="students"))
    notification_id = response.json()["id"]
    # The fan-out job writes the first part and queues the other two (5 students, 2 a part).
    assert await service.fan_out(Actor.system(), notification_id=notification_id) == 2
    queued = [job for job in await cache.redis().queued_jobs(queue_name=DEFAULT_QUEUE)
              if job.function == FanOutRecipients.function_name()]
    ranges = sorted((job.kwargs["first_user_id"], job.kwargs["last_user_id"]) for job in queued)
    assert len(ranges) == 2 and ranges[0][0] == students[2] and ranges[1][0] == students[4]
    assert ranges[0][1] == students[4] - 1 and ranges[1][1] == 2**31 - 1
    await run_jobs()
    assert await _recipients(notification_id) == students
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(u.email for u in [*people["students"], *more])
    # Run again, whole or in parts: nobody is added or emailed twice.
    assert await service.fan_out(Actor.system(), notification_id=notification_id) == 0
    for first, last in ranges:
        await enqueue(FanOutRecipients(notification_id=notification_id, first_user_id=first, last_user_id=last))
    await run_jobs()
    assert await _recipients(notification_id) == students
    assert len(smtp_sink.messages) == len(students)
    # A part of a draft writes nobody.
    draft = (await admin_client.post(URL, json=_body(status="draft"))).json()["id"]
    assert await service.fan_out_part(Actor.system(), notification_id=draft, first_user_id=0,
                                      last_user_id=2**31 - 1) == 0
    assert await _recipients(draft) == []

@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_send(login_as, role):
    client = await login_as(role)
    assert (await client.post(URL, json=_body())).status_code == 403
    assert (await client.get(f"{URL}/audience", params={"target_audience": "all"})).status_code == 403
    assert (await client.get(f"{URL}/all")).status_code == 403
    assert await Notification.all().count() == 0


async def test_staff_send_and_the_send_is_audited(staff_client, people):
    response = await staff_client.post(URL, json=_body())
    assert response.status_code == 201
    assert await AuditLog.filter(entity_type="notifications", action="create").count() == 1


async def test_bad_input_is_a_422(admin_client):
    for body in (_body(notification_type="memo"), _body(title=""), _body(priority="urgent"),
                 _body(target_audience="everyone"), _body(extra=1), _body(title="x" * 256)):
        assert (await admin_client.post(URL, json=body)).status_code == 422, body
    assert await Notification.all().count() == 0


# --- the inbox ------------------------------------------------------------------------------


async def test_inbox_unread_count_and_reading(admin_client, login_as, run_jobs):
    student = await login_as("student")
    first = (await admin_client.post(URL, json=_body(title="First", target_audience="students"))).json()
    second = (await admin_client.post(URL, json=_body(title="Second", target_audience="students"))).json()
    await admin_client.post(URL, json=_body(title="Staff only", target_audience="staff"))
    await run_jobs()

    unread = (await student.get(f"{URL}/unread")).json()
    assert unread == {"user_id": student.user.id, "unread_count": 2}
    page = (await student.get(URL)).json()
    assert page["total"] == 2 and [i["title"] for i in page["items"]] == ["Second", "First"]
    item = page["items"][0]
    assert item["notification_id"] == second["id"] and item["is_read"] is False and item["read_at"] is None
    assert item["sent_by"] == admin_client.user.id

    response = await student.put(f"{URL}/{first['id']}/read")
    assert response.status_code == 200 and response.json()["is_read"] is True
    read_at = response.json()["read_at"]
    again = await student.put(f"{URL}/{first['id']}/read")
    assert again.status_code == 200 and again.json()["read_at"] == read_at  # idempotent

    assert (await student.get(f"{URL}/unread")).json()["unread_count"] == 1
    assert [i["title"] for i in (await student.get(URL, params={"is_read": "true"})).json()["items"]] == ["First"]
    assert [i["title"] for i in (await student.get(URL, params={"is_read": "false"})).json()["items"]] == ["Second"]
    page = (await student.get(URL, params={"page": 2, "page_size": 1})).json()
    assert page["total"] == 2 and page["total_pages"] == 2 and [i["title"] for i in page["items"]] == ["First"]


async def test_get_is_for_recipients_and_staff(admin_client, login_as, run_jobs):
    student, other = await login_as("student"), await login_as("faculty")
    sent = (await admin_client.post(URL, json=_body(target_audience="students"))).json()
    await run_jobs()
    await student.put(f"{URL}/{sent['id']}/read")
    mine = await student.get(f"{URL}/{sent['id']}")
    assert mine.status_code == 200 and mine.json()["title"] == "Library closed" and mine.json()["delivery"] is None
    assert (await other.get(f"{URL}/{sent['id']}")).status_code == 404
    assert (await other.put(f"{URL}/{sent['id']}/read")).status_code == 404
    staff_view = (await admin_client.get(f"{URL}/{sent['id']}")).json()
    assert staff_view["delivery"] == {"recipients": 1, "read": 1, "emails_sent": 1, "emails_opted_out": 0}
    assert (await admin_client.get(f"{URL}/999999")).status_code == 404


async def test_the_global_list_and_its_filters(admin_client):
    await admin_client.post(URL, json=_body(status="draft", priority="low"))
    await admin_client.post(URL, json=_body(notification_type="urgent", priority="high"))
    page = (await admin_client.get(f"{URL}/all")).json()
    assert page["total"] == 2
    assert (await admin_client.get(f"{URL}/all", params={"status": "draft"})).json()["total"] == 1
    assert (await admin_client.get(f"{URL}/all", params={"notification_type": "urgent"})).json()["total"] == 1
    assert (await admin_client.get(f"{URL}/all", params={"priority": "medium"})).json()["total"] == 0
    assert (await admin_client.get(f"{URL}/all", params={"status": "bogus"})).status_code == 422


async def test_delete_cascades_to_the_inbox(admin_client, login_as, run_jobs):
    student = await login_as("student")
    sent = (await admin_client.post(URL, json=_body(target_audience="students"))).json()
    await run_jobs()
    assert (await student.delete(f"{URL}/{sent['id']}")).status_code == 403
    assert (await admin_client.delete(f"{URL}/{sent['id']}")).status_code == 204
    assert await UserNotification.filter(notification_id=sent["id"]).count() == 0
    assert (await student.get(f"{URL}/unread")).json()["unread_count"] == 0
    assert (await admin_client.delete(f"{URL}/{sent['id']}")).status_code == 404
    assert await AuditLog.filter(entity_type="notifications", action="delete").count() == 1


# --- emails ---------------------------------------------------------------------------------


async def test_recipients_are_emailed_in_batches(admin_client, people, smtp_sink, run_jobs, monkeypatch):
    monkeypatch.setattr(get_settings(), "notification_email_batch", 1)
    response = await admin_client.post(URL, json=_body(target_audience="students", title="Fees due <soon>"))
    await run_jobs()
    emailed = sorted(m["To"] for m in smtp_sink.messages)
    assert emailed == sorted(u.email for u in people["students"])
    message = smtp_sink.messages[0]
    assert message["Subject"] == "Fees due <soon>"
    assert "Closed on Friday." in message.get_body(preferencelist=("plain",)).get_content()
    # A rerun of the batches sends nobody a second copy.
    from dashboard.services.notifications import EmailNotification

    for user in people["students"]:
        await enqueue(EmailNotification(notification_id=response.json()["id"], first_user_id=user.id,
                                        last_user_id=user.id))
    await run_jobs()
    assert len(smtp_sink.messages) == 2


async def test_non_urgent_email_can_be_switched_off_but_urgent_always_goes(admin_client, people, smtp_sink,
                                                                        run_jobs, monkeypatch):
    monkeypatch.setattr(get_settings(), "notification_email_enabled", False)
    await admin_client.post(URL, json=_body(target_audience="faculty"))
    await run_jobs()
    assert smtp_sink.messages == []
    await admin_client.post(URL, json=_body(target_audience="faculty", notification_type="urgent"))
    await run_jobs()
    assert [m["To"] for m in smtp_sink.messages] == [people["teacher"].email]


# --- the email opt-out and a notification's delivery ---------------------------------------


async def test_the_email_preference_is_the_callers_own(login_as):
    student = await login_as("student")
    other = await login_as("faculty")
    first = await student.get(f"{URL}/preferences")
    assert first.status_code == 200
    assert first.json() == {"user_id": student.user.id, "email_opt_out": False, "updated_at": None}
    changed = await student.put(f"{URL}/preferences", json={"email_opt_out": True})
    assert changed.status_code == 200 and changed.json()["email_opt_out"] is True
    stamp = changed.json()["updated_at"]
    assert stamp is not None
    again = await student.put(f"{URL}/preferences", json={"email_opt_out": True})
    assert again.json()["updated_at"] == stamp, "setting the same value changes nothing"
    assert (await other.get(f"{URL}/preferences")).json()["email_opt_out"] is False


@pytest.mark.parametrize("body", [{}, {"email_opt_out": "maybe"}, {"email_opt_out": True, "user_id": 1}])
async def test_a_bad_preference_is_a_422_and_changes_nothing(login_as, body):
    student = await login_as("student")
    assert (await student.put(f"{URL}/preferences", json=body)).status_code == 422
    assert (await student.get(f"{URL}/preferences")).json()["email_opt_out"] is False


async def test_opted_out_users_get_no_non_urgent_email_but_urgent_still_reaches_them(
        admin_client, login_as, people, smtp_sink, run_jobs):
    quiet, loud = people["students"]
    quiet_client = await login_as("student", user=quiet)
    await quiet_client.put(f"{URL}/preferences", json={"email_opt_out": True})

    notice = (await admin_client.post(URL, json=_body(target_audience="students"))).json()
    await run_jobs()
    assert [m["To"] for m in smtp_sink.messages] == [loud.email]
    assert sorted(await _recipients(notice["id"])) == sorted([quiet.id, loud.id]), "the inbox still gets it"
    delivery = await service.get_delivery(Actor.system(), notification_id=notice["id"])
    assert (delivery.recipients, delivery.read, delivery.emails_sent, delivery.emails_opted_out) == (2, 0, 1, 1)

    urgent = (await admin_client.post(URL, json=_body(target_audience="students",
                                                      notification_type="urgent"))).json()
    await run_jobs()
    assert sorted(m["To"] for m in smtp_sink.messages[1:]) == sorted([quiet.email, loud.email])
    delivery = await service.get_delivery(Actor.system(), notification_id=urgent["id"])
    assert (delivery.emails_sent, delivery.emails_opted_out) == (2, 0)


async def test_the_delivery_is_for_admin_and_staff(login_as, admin_client, people, run_jobs):
    from dashboard.core.errors import Forbidden, NotFound

    notice = (await admin_client.post(URL, json=_body(target_audience="faculty"))).json()
    await run_jobs()
    teacher = await login_as("faculty", user=people["teacher"])
    await teacher.put(f"{URL}/{notice['id']}/read")
    staff_actor = Actor(user_id=people["staff"].id, role=UserType.STAFF,
                        permissions=permissions_of(UserType.STAFF))
    delivery = await service.get_delivery(staff_actor, notification_id=notice["id"])
    assert (delivery.recipients, delivery.read) == (1, 1)
    student_actor = Actor(user_id=people["students"][0].id, role=UserType.STUDENT,
                          permissions=permissions_of(UserType.STUDENT))
    with pytest.raises(Forbidden):
        await service.get_delivery(student_actor, notification_id=notice["id"])
    with pytest.raises(NotFound):
        await service.get_delivery(staff_actor, notification_id=999999)


async def test_a_retried_email_batch_skips_those_already_emailed(admin_client, people, smtp_sink, run_jobs,
                                                                 monkeypatch):
    """The record of each email is written as it is handed over, so a batch that failed
    half-way resumes after the last one sent."""
    from dashboard.services.notifications import EmailNotification

    first, second = sorted(people["students"], key=lambda u: u.id)
    notice = (await admin_client.post(URL, json=_body(target_audience="students"))).json()
    # As if the batch had stopped after emailing the first student.
    await service.record_email_sent(Actor.system(), notification_id=notice["id"], user_id=first.id)
    await run_jobs()
    assert [m["To"] for m in smtp_sink.messages] == [second.email]
    await enqueue(EmailNotification(notification_id=notice["id"], first_user_id=first.id, last_user_id=second.id))
    await run_jobs()
    assert len(smtp_sink.messages) == 1
