"""What makes the panel read like a product: search finds what a person types, one stated
default order per list, pagination with first, last and a jump, singular titles, money in
the settings' currency and locale, and a favicon."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from admin_views.registry import resources
from admin_views.routes import page_numbers
from dashboard.core import formatting
from dashboard.settings import Settings
from models.enums import UserType
from tests import factories


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)"', html)]


async def _person(role: UserType, first: str, last: str, email: str, **profile):
    user = await factories.create_user(user_type=role, first_name=first, last_name=last, email=email)
    return await make_person_for(role, user, **profile)


async def make_person_for(role: UserType, user, **profile):
    if role is UserType.STUDENT:
        return await factories.create_student(user=user, **profile)
    if role is UserType.FACULTY:
        return await factories.create_faculty(user=user, **profile)
    return await factories.create_admin_staff(user=user, **profile)


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Asha", "asha rao", "RAO ASHA", "asha.rao@", "ASHA.RAO@EXAMPLE.EDU"])
async def test_students_are_found_by_name_full_name_or_email(admin_login, typed):
    admin = await admin_login("staff")
    asha = await _person(UserType.STUDENT, "Asha", "Rao", "asha.rao@example.edu")
    await _person(UserType.STUDENT, "Asha", "Menon", "asha.menon@example.edu")
    await _person(UserType.STUDENT, "Ravi", "Rao", "ravi.rao@example.edu")
    found = _ids((await admin.get("/admin/students/list", params={"search": typed})).text)
    if typed.lower().startswith("asha") and "rao" not in typed.lower():
        assert asha.id in found and len(found) == 2
    else:
        assert found == [asha.id]


async def test_students_are_still_found_by_student_id_and_admission_number(admin_login):
    admin = await admin_login("staff")
    student = await factories.create_student(student_code="CSE2024117", admission_number="ADM-77-31")
    await factories.create_student()
    for typed in ("cse2024117", "ADM-77", "2024117"):
        assert _ids((await admin.get("/admin/students/list", params={"search": typed})).text) == [student.id], typed


async def test_a_student_search_matching_more_than_the_service_returns_says_so(admin_login):
    from dashboard.services.students import SEARCH_LIMIT_MAX

    admin = await admin_login("staff")
    for n in range(SEARCH_LIMIT_MAX + 1):
        await _person(UserType.STUDENT, "Kumar", f"S{n}", f"kumar{n}@example.edu")
    page = (await admin.get("/admin/students/list", params={"search": "kumar", "page_size": 100})).text
    assert f"More than {SEARCH_LIMIT_MAX} students match" in page
    narrow = (await admin.get("/admin/students/list", params={"search": "kumar s7"})).text
    assert 'id="search-note"' not in narrow or "kumar" in narrow.lower()
    assert len(_ids(narrow)) >= 1


async def test_faculty_and_staff_are_found_by_name_and_email(admin_login):
    admin = await admin_login("admin")
    lecturer = await _person(UserType.FACULTY, "Meera", "Iyer", "m.iyer@example.edu")
    await _person(UserType.FACULTY, "Meera", "Das", "m.das@example.edu")
    clerk = await _person(UserType.STAFF, "Joseph", "Thomas", "registrar.office@example.edu")
    assert _ids((await admin.get("/admin/faculty/list", params={"search": "meera iyer"})).text) == [lecturer.id]
    assert _ids((await admin.get("/admin/faculty/list", params={"search": "M.IYER@"})).text) == [lecturer.id]
    assert _ids((await admin.get("/admin/staff/list", params={"search": "joseph"})).text) == [clerk.id]
    assert _ids((await admin.get("/admin/staff/list", params={"search": "registrar.office"})).text) == [clerk.id]


async def test_the_catalogue_is_found_by_name_and_code(admin_login):
    admin = await admin_login("staff")
    cse = await factories.create_department(name="Computer Science and Engineering", code="CSE")
    await factories.create_department(name="Civil Engineering", code="CIV")
    assert _ids((await admin.get("/admin/departments/list", params={"search": "computer engineering"})).text) == [
        cse.id
    ]
    assert _ids((await admin.get("/admin/departments/list", params={"search": "cse"})).text) == [cse.id]
    course = await factories.create_course(name="Data Structures", code="CS201", department=cse)
    offering = await factories.create_offering(course=course)
    await factories.create_offering()
    assert _ids((await admin.get("/admin/courses/list", params={"search": "data struct"})).text) == [course.id]
    assert _ids((await admin.get("/admin/course_offerings/list", params={"search": "cs201"})).text) == [offering.id]
    assert _ids((await admin.get("/admin/course_offerings/list", params={"search": "structures"})).text) == [
        offering.id
    ]


# --- order, pages, titles -----------------------------------------------------------------------


def test_every_list_states_one_default_order_on_a_sortable_column():
    for resource in resources():
        column, order = resource.default_sort
        assert column in resource.sort_fields(), resource.__name__
        assert order in ("asc", "desc")
        assert resource.sort_text(column, order).startswith("Sorted by ")
        assert resource.singular, resource.__name__


async def test_the_list_says_its_order_and_marks_the_sorted_column(admin_login):
    admin = await admin_login("admin")
    await factories.create_department(name="Botany", code="BOT")
    await factories.create_department(name="Anthropology", code="ZAN")
    page = (await admin.get("/admin/departments/list")).text
    assert re.search(r'id="sort-order">· Sorted by name, A to Z<', page)
    assert re.search(r'data-column="name"[^>]*>\s*<a class="sort"[^>]*>Name <i class="ti ti-chevron-up">', page)
    users = (await admin.get("/admin/users/list")).text
    assert "Sorted by ID, newest first" in users
    by_code = (await admin.get("/admin/departments/list", params={"sort": "code", "order": "desc"})).text
    assert "Sorted by code, Z to A" in by_code


def test_page_numbers_keep_first_last_and_the_pages_around_the_current_one():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 5) == [1, 2, 3, 4, 5]
    assert page_numbers(10, 40) == [1, None, 8, 9, 10, 11, 12, None, 40]
    assert page_numbers(2, 40) == [1, 2, 3, 4, None, 40]
    assert page_numbers(4, 40) == [1, 2, 3, 4, 5, 6, None, 40]
    assert page_numbers(40, 40) == [1, None, 38, 39, 40]


async def test_pagination_links_first_last_around_and_a_jump_that_keeps_the_filters(admin_login):
    admin = await admin_login("staff")
    for n in range(45):
        await factories.create_department(name=f"Dept {n:02d}", code=f"DQ{n:02d}", is_active=n != 0)
    page = (await admin.get("/admin/departments/list", params={"page_size": 2, "page_num": 10,
                                                              "is_active": "true"})).text
    pages = {label: url for url, label in re.findall(r'href="([^"]+)" (?:aria-label="[^"]+" )?data-page="(\w+)"', page)}
    assert "page_num=1" in pages["first"] and "page_num=22" in pages["last"]
    assert "page_num=9" in pages["prev"] and "page_num=11" in pages["next"]
    assert [p for p in pages if p.isdigit()] == ["1", "8", "9", "10", "11", "12", "22"]
    assert all("is_active=true" in url for url in pages.values())
    jump = page.split('id="page-jump"', 1)[1].split("</form>", 1)[0]
    assert 'name="is_active" value="true"' in jump and 'name="page_size" value="2"' in jump
    assert 'name="page_num"' in jump and 'max="22"' in jump
    # A page past the end or not a number shows no rows and no error.
    assert (await admin.get("/admin/departments/list", params={"page_num": "999"})).status_code == 200
    assert (await admin.get("/admin/departments/list", params={"page_num": "x"})).status_code == 200


async def test_form_titles_are_singular_and_name_the_row(admin_login):
    admin = await admin_login("admin")
    student = await factories.create_student()
    new = (await admin.get("/admin/departments/create")).text
    assert re.search(r'id="page-title">New department<', new) and "<title>New department ·" in new
    edit = (await admin.get(f"/admin/students/update/{student.id}")).text
    assert re.search(rf'id="page-title">Edit student #{student.id}<', edit)
    assert (await admin.get("/admin/faculty/create")).text.count("New faculty member") >= 1
    listing = (await admin.get("/admin/departments/list")).text
    assert "New department" in listing  # the create button


async def test_the_panel_has_a_favicon(anonymous):
    login = (await anonymous.get("/admin/login")).text
    assert '<link rel="icon" type="image/svg+xml" href="/admin/favicon.svg">' in login
    icon = await anonymous.get("/admin/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")


# --- money ----------------------------------------------------------------------------------------


def test_money_uses_the_settings_currency_and_locale_grouping(monkeypatch):
    assert Settings().currency == "INR" and Settings().locale == "en_IN"
    monkeypatch.setattr(formatting, "get_settings", lambda: Settings(currency="INR", locale="en_IN"))
    assert formatting.money(Decimal("194860900")) == "₹19,48,60,900.00"
    assert formatting.number(194860900) == "19,48,60,900"
    assert formatting.money(None) == ""
    monkeypatch.setattr(formatting, "get_settings", lambda: Settings(currency="USD", locale="en_US"))
    assert formatting.money(Decimal("194860900.5")) == "$194,860,900.50"
    assert formatting.number(1234567) == "1,234,567"


def test_an_unknown_currency_or_locale_is_a_settings_error():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings(currency="rupees")
    with pytest.raises(ValidationError):
        Settings(locale="xx_NOWHERE")


async def test_the_home_page_shows_fees_in_the_currency(admin_login):
    admin = await admin_login("admin")
    student = await factories.create_student()
    structure = await factories.create_fee_structure(student=student, tuition_fee=Decimal("19992000.00"),
                                                     total_fee=Decimal("20000000.00"))
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("19486090.00"))
    page = (await admin.get("/admin/")).text
    fees = page.split('data-kpi="fees"', 1)[1].split("</div>", 5)
    assert "₹1,94,86,090.00" in "".join(fees)
