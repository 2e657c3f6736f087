"""/api/v1/documents: uploads of every allowed kind and the attacks on them, access levels
on get, download, list and search, download headers, and delete (domain.md §3.16)."""

from __future__ import annotations

import io
import zipfile

import pytest

from dashboard.core.files import MB
from dashboard.settings import get_settings
from models import AuditLog, Document
from tests import factories

URL = "/api/v1/documents"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["code", "name"])
    book.save(buffer)
    return buffer.getvalue()


DOCX = _zip("word/document.xml")
DOC = OLE + "WordDocument".encode("utf-16-le") + b"\x00" * 64
XLS = OLE + "Workbook".encode("utf-16-le") + b"\x00" * 64

ALLOWED = [
    ("report.pdf", "application/pdf", PDF),
    ("photo.jpg", "image/jpeg", JPEG),
    ("photo.png", "image/png", PNG),
    ("photo.webp", "image/webp", WEBP),
    ("letter.doc", "application/msword", DOC),
    ("letter.docx", DOCX_TYPE, DOCX),
    ("marks.xls", "application/vnd.ms-excel", XLS),
    ("marks.xlsx", XLSX_TYPE, _xlsx()),
    ("notes.txt", "text/plain", "Grüße, ready for the exam\r\n\tline two\n".encode()),
    ("marks.csv", "text/csv", b"code,name\nCS101,Algorithms\n"),
    ("marks.csv", "application/vnd.ms-excel", b"code,name\n"),
]


def _fields(**overrides) -> dict:
    fields = {"title": "Degree certificate", "document_type": "certificate"}
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


async def _upload(client, name="report.pdf", content_type="application/pdf", content=PDF, **fields):
    return await client.post(f"{URL}/upload", data=_fields(**fields), files={"file": (name, content, content_type)})


def _stored_files() -> list:
    root = get_settings().media_root
    return [p for p in root.rglob("*") if p.is_file() and ("documents" in p.parts or ".partial" in p.parts)]


@pytest.fixture(autouse=True)
def _empty_store(services):
    for path in _stored_files():
        path.unlink()


# --- uploading ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content_type", "content"), ALLOWED, ids=[f"{a[0]}:{a[1]}" for a in ALLOWED])
async def test_every_allowed_kind_is_accepted(student_client, name, content_type, content):
    response = await _upload(student_client, name, content_type, content)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["file_name"] == name and body["file_size"] == len(content)
    assert body["owner_user_id"] == body["uploaded_by"] == student_client.user.id
    assert body["access_level"] == "private" and body["is_public"] is False
    assert "file_path" not in body
    assert len(_stored_files()) == 1


async def test_upload_fields_tags_and_levels(staff_client):
    response = await _upload(staff_client, tags='["degree", "2025"]', access_level="internal",
                             description="Final", related_entity_type="student", related_entity_id="7")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["tags"] == ["degree", "2025"] and body["access_level"] == "internal" and body["is_public"] is False
    assert body["related_entity_id"] == 7
    body = (await _upload(staff_client, tags="a, b ,c", is_public="true")).json()
    assert body["tags"] == ["a", "b", "c"] and body["access_level"] == "public" and body["is_public"] is True
    audit = await AuditLog.filter(entity_type="documents", action="create").first()
    assert audit is not None and "file_path" not in audit.new_value


async def test_fields_after_the_file_are_read(student_client):
    boundary = "XyZ"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + (
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nLate title"
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\nreport"
        f"\r\n--{boundary}--\r\n").encode()
    response = await student_client.post(f"{URL}/upload", content=body,
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "Late title" and response.json()["document_type"] == "report"


async def test_staff_upload_for_another_user_and_others_may_not(staff_client, student_client):
    owner = await factories.create_user()
    response = await _upload(staff_client, owner_user_id=str(owner.id))
    assert response.status_code == 201, response.text
    assert response.json()["owner_user_id"] == owner.id and response.json()["uploaded_by"] == staff_client.user.id
    assert (await _upload(staff_client, owner_user_id="999999")).status_code == 404
    assert (await _upload(student_client, owner_user_id=str(owner.id))).status_code == 403
    assert await Document.all().count() == 1 and len(_stored_files()) == 1


async def test_parents_do_not_upload(parent_client):
    assert (await _upload(parent_client)).status_code == 403
    assert await Document.all().count() == 0


@pytest.mark.parametrize("fields", [
    {"title": None}, {"document_type": "passport"}, {"access_level": "secret"}, {"surprise": "x"},
    {"is_public": "true", "access_level": "private"}, {"tags": "[1, 2"}, {"title": "x" * 256},
    {"related_entity_id": "0"},
], ids=["no-title", "bad-type", "bad-level", "unknown-field", "contradiction", "bad-tags", "long-title", "bad-id"])
async def test_bad_fields_are_a_422_with_nothing_stored(student_client, fields):
    response = await _upload(student_client, **fields)
    assert response.status_code == 422, response.text
    assert await Document.all().count() == 0 and _stored_files() == []


# --- the attacks ----------------------------------------------------------------------------


def _polyglot_pdf_zip() -> bytes:
    return PDF + _zip("payload.js")


ATTACKS = [
    ("renamed-exe-as-pdf", "invoice.pdf", "application/pdf", EXE),
    ("renamed-exe-as-txt", "notes.txt", "text/plain", EXE),
    ("renamed-exe-as-docx", "letter.docx", DOCX_TYPE, EXE),
    ("exe-extension", "setup.exe", "application/octet-stream", EXE),
    ("polyglot-pdf-zip", "report.pdf", "application/pdf", _polyglot_pdf_zip()),
    ("polyglot-jpeg-html", "photo.jpg", "image/jpeg", JPEG[:16] + b"<html><script>alert(1)</script>"),
    ("zip-as-docx", "letter.docx", DOCX_TYPE, _zip("payload/evil.js")),
    ("xlsx-as-docx", "letter.docx", DOCX_TYPE, _xlsx()),
    ("doc-as-xls", "marks.xls", "application/vnd.ms-excel", DOC),
    ("binary-as-csv", "marks.csv", "text/csv", b"code,name\n\x00\x01\x02"),
    ("latin1-as-txt", "notes.txt", "text/plain", "Grüße".encode("latin-1")),
    ("path-in-name", "../../etc/passwd.pdf", "application/pdf", PDF),
    ("windows-path", "..\\..\\boot.pdf", "application/pdf", PDF),
    ("mismatch-content", "photo.pdf", "application/pdf", PNG),
    ("mismatch-declared", "report.pdf", "image/png", PDF),
    ("mismatch-extension", "report.png", "application/pdf", PDF),
    ("empty", "report.pdf", "application/pdf", b""),
]


@pytest.mark.parametrize(("name", "content_type", "content"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS])
async def test_attacks_are_refused_with_nothing_stored(student_client, name, content_type, content):
    response = await _upload(student_client, name, content_type, content)
    assert response.status_code == 400, response.text
    assert await Document.all().count() == 0 and _stored_files() == []


async def test_an_oversized_body_without_content_length_is_cut_off(student_client, monkeypatch):
    monkeypatch.setattr(get_settings(), "document_max_mb", 1)
    boundary = "XyZ"
    sent = {"bytes": 0}

    async def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nBig\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\nother\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
               f"Content-Type: text/plain\r\n\r\n").encode()
        for _ in range(40):  # 40 x 256 KB = 10 MB, far past the 1 MB limit
            sent["bytes"] += 256 * 1024
            yield b"a" * (256 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await student_client.post(f"{URL}/upload", content=body(),
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413, response.text
    assert await Document.all().count() == 0 and _stored_files() == []


async def test_a_declared_oversized_body_is_refused_before_reading(student_client, monkeypatch):
    monkeypatch.setattr(get_settings(), "document_max_mb", 1)
    response = await _upload(student_client, "notes.txt", "text/plain", b"a" * (2 * MB))
    assert response.status_code == 413
    assert await Document.all().count() == 0 and _stored_files() == []


# --- access levels --------------------------------------------------------------------------


@pytest.fixture
async def library(staff_client, login_as):
    """One document per level owned by a student, and the clients of each kind of reader."""
    owner = await login_as("student")
    ids = {}
    for level in ("private", "internal", "public"):
        response = await _upload(staff_client, f"{level}.pdf", title=f"Exam rules {level}", access_level=level,
                                 owner_user_id=str(owner.user.id))
        assert response.status_code == 201, response.text
        ids[level] = response.json()["id"]
    return {"ids": ids, "owner": owner, "staff": staff_client, "faculty": await login_as("faculty"),
            "student": await login_as("student"), "parent": await login_as("parent")}


@pytest.mark.parametrize(("reader", "sees"), [
    ("owner", {"private", "internal", "public"}),
    ("staff", {"private", "internal", "public"}),
    ("faculty", {"internal", "public"}),
    ("student", {"public"}),
    ("parent", {"public"}),
])
async def test_access_levels_on_get_download_list_and_search(library, reader, sees):
    client, ids = library[reader], library["ids"]
    for level, document_id in ids.items():
        expected = 200 if level in sees else 404
        assert (await client.get(f"{URL}/{document_id}")).status_code == expected, (level, "get")
        assert (await client.get(f"{URL}/{document_id}/download")).status_code == expected, (level, "download")
    listed = {item["id"] for item in (await client.get(URL)).json()["items"]}
    assert listed == {ids[level] for level in sees}
    found = {item["id"] for item in (await client.get(f"{URL}/search", params={"q": "exam RULES"})).json()}
    assert found == {ids[level] for level in sees}


async def test_list_filters_and_search_limits(library):
    staff, owner = library["staff"], library["owner"]
    assert (await staff.get(URL, params={"user_id": owner.user.id})).json()["total"] == 3
    assert (await staff.get(URL, params={"document_type": "report"})).json()["total"] == 0
    assert (await staff.get(URL, params={"is_public": "true"})).json()["total"] == 1
    assert len((await staff.get(f"{URL}/search", params={"q": "rules", "limit": 2})).json()) == 2
    assert len((await staff.get(f"{URL}/search", params={"q": "rules", "limit": 2, "page": 2})).json()) == 1
    assert (await staff.get(f"{URL}/search", params={"q": "private.pdf"})).json()[0]["file_name"] == "private.pdf"
    assert (await staff.get(f"{URL}/search", params={"q": "%"})).json() == []
    assert (await staff.get(f"{URL}/search")).status_code == 422
    assert (await staff.get(f"{URL}/search", params={"q": "x", "limit": 101})).status_code == 422
    assert (await staff.get(URL, params={"document_type": "passport"})).status_code == 422


# --- download -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.pdf", 'evil"; filename=x.html;.pdf',
                                  "Zeugnis f\u00fcr J\u00fcrgen \u2013 2025.pdf", "成绩单.pdf"])
async def test_download_streams_the_file_with_its_type_and_name(student_client, name):
    created = await _upload(student_client, name=name)
    assert created.status_code == 201, created.text
    response = await student_client.get(f"{URL}/{created.json()['id']}/download")
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-length"] == str(len(PDF))
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"")
    from urllib.parse import unquote

    # The multipart encoder of the client may escape a quote itself; the name as stored is
    # what must come back, exactly, in the RFC 5987 parameter.
    stored_name = created.json()["file_name"]
    assert stored_name.replace("%22", '"') == name
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert ";" not in encoded and " " not in encoded and unquote(encoded) == stored_name
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert all(32 <= ord(ch) < 127 for ch in fallback) and '"' not in fallback


async def test_a_missing_file_is_a_404(student_client):
    created = (await _upload(student_client)).json()
    for path in _stored_files():
        path.unlink()
    assert (await student_client.get(f"{URL}/{created['id']}/download")).status_code == 404
    assert (await student_client.get(f"{URL}/999999")).status_code == 404


# --- delete ---------------------------------------------------------------------------------


async def test_delete_removes_the_row_then_the_file(staff_client, student_client):
    created = (await _upload(student_client)).json()
    assert len(_stored_files()) == 1
    assert (await student_client.delete(f"{URL}/{created['id']}")).status_code == 403
    assert (await staff_client.delete(f"{URL}/{created['id']}")).status_code == 204
    assert await Document.all().count() == 0 and _stored_files() == []
    assert (await staff_client.delete(f"{URL}/{created['id']}")).status_code == 404
    audit = await AuditLog.get(entity_type="documents", action="delete")
    assert "file_path" not in audit.old_value
