"""POST /students/{id}/upload-photo and GET /students/{id}/photo: what is accepted, what is
refused, and that a refused upload leaves nothing on disk or in the database."""

from __future__ import annotations

import asyncio
import struct
import zlib
from pathlib import Path

import pytest

from dashboard.settings import get_settings
from models import AuditLog, User
from tests import factories
from tests.teaching import teach

URL = "/api/v1/students"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"  # one red pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"
PNG = _png()
WEBP = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8 " + b"\x00" * 22
PHP = b"<?php system($_GET['cmd']); ?>\n" + b"A" * 100
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
       b'<script>alert(document.cookie)</script></svg>')


def _raw_multipart(filename: bytes, content_type: bytes, content: bytes) -> dict:
    """A multipart body built by hand, for file names an HTTP client would clean up."""
    body = (b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
            b"Content-Type: " + content_type + b"\r\n\r\n" + content + b"\r\n--xyz--\r\n")
    return {"content": body, "headers": {"Content-Type": "multipart/form-data; boundary=xyz"}}


def _media_files() -> set[Path]:
    root = get_settings().media_root
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
async def me(login_as):
    return await login_as("student")


async def _state(user_id: int):
    user = await User.get(id=user_id)
    return user.profile_picture, await AuditLog.filter(entity_type="users", entity_id=user_id).count(), _media_files()


@pytest.mark.parametrize(
    ("name", "content_type", "content"),
    [("me.jpg", "image/jpeg", JPEG), ("me.JPEG", "image/jpeg", JPEG), ("me.png", "image/png", PNG),
     ("me.webp", "image/webp", WEBP)],
)
async def test_student_uploads_own_photo_and_anyone_allowed_reads_it(me, staff_client, name, content_type, content):
    before = _media_files()
    response = await me.post(f"{URL}/{me.profile.id}/upload-photo", files={"file": (name, content, content_type)})

    assert response.status_code == 202, response.text
    assert response.json() == {"student_id": me.profile.id, "user_id": me.user.id,
                               "message": "Photo uploaded successfully"}
    new_files = _media_files() - before
    assert len(new_files) == 1
    stored = new_files.pop()
    assert stored.read_bytes() == content
    assert name.split(".")[0] not in stored.name  # the client's name never reaches the disk
    user = await User.get(id=me.user.id)
    assert user.profile_picture and user.profile_picture.endswith(stored.name)
    assert str(get_settings().media_root) not in response.text and "photos/" not in response.text

    for reader in (me, staff_client):
        photo = await reader.get(f"{URL}/{me.profile.id}/photo")
        assert photo.status_code == 200
        assert photo.content == content
        assert photo.headers["content-type"] == content_type
        assert photo.headers["x-content-type-options"] == "nosniff"

    profile = (await me.get(f"{URL}/{me.profile.id}/profile")).json()
    assert profile["has_photo"] is True and "photos/" not in str(profile)


async def test_a_new_photo_replaces_the_old_file_after_commit(staff_client):
    student = await factories.create_student()
    await staff_client.post(f"{URL}/{student.id}/upload-photo", files={"file": ("a.jpg", JPEG, "image/jpeg")})
    first = (await User.get(id=student.user_id)).profile_picture
    first_path = get_settings().media_root / first
    assert first_path.exists()

    response = await staff_client.post(f"{URL}/{student.id}/upload-photo", files={"file": ("b.png", PNG, "image/png")})
    assert response.status_code == 202
    second = (await User.get(id=student.user_id)).profile_picture
    assert second != first and (get_settings().media_root / second).exists()
    assert not first_path.exists()
    assert (await staff_client.get(f"{URL}/{student.id}/photo")).content == PNG


async def test_a_file_without_a_name_is_taken_as_jpeg(staff_client):
    student = await factories.create_student()
    response = await staff_client.post(f"{URL}/{student.id}/upload-photo",
                                       **_raw_multipart(b"", b"image/jpeg", JPEG))
    assert response.status_code == 202
    assert (await User.get(id=student.user_id)).profile_picture.endswith(".jpg")


@pytest.mark.parametrize(
    ("name", "content_type", "content", "status", "message"),
    [
        ("shell.jpg", "image/jpeg", PHP, 400, "File content does not match its declared type"),
        ("shell.php", "application/x-php", PHP, 400, "File extension not allowed; use one of .jpg, .jpeg, .png, .webp"),
        ("evil.svg", "image/svg+xml", SVG, 400, "File extension not allowed; use one of .jpg, .jpeg, .png, .webp"),
        ("evil.png", "image/png", SVG, 400, "File content does not match its declared type"),
        ("big.jpg", "image/jpeg", JPEG[:20] + b"\x00" * (6 * 1024 * 1024), 413, "File exceeds the 5 MB limit"),
        ("empty.jpg", "image/jpeg", b"", 400, "The file is empty"),
        ("photo.png", "application/pdf", PNG, 400, "File type not allowed or does not match the file extension"),
        ("photo.jpg", "image/png", PNG, 400, "File type not allowed or does not match the file extension"),
        ("photo.png", "image/png", JPEG, 400, "File content does not match its declared type"),
        ("../../etc/passwd.jpg", "image/jpeg", JPEG, 400, "Invalid file name"),
        ("..\\..\\boot.ini.jpg", "image/jpeg", JPEG, 400, "Invalid file name"),
        ("/etc/cron.d/x.jpg", "image/jpeg", JPEG, 400, "Invalid file name"),
    ],
)
async def test_refused_uploads_store_nothing(me, name, content_type, content, status, message):
    await me.post(f"{URL}/{me.profile.id}/upload-photo", files={"file": ("first.jpg", JPEG, "image/jpeg")})
    before = await _state(me.user.id)

    response = await me.post(f"{URL}/{me.profile.id}/upload-photo", files={"file": (name, content, content_type)})

    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _state(me.user.id) == before
    assert not list((get_settings().media_root / ".partial").glob("*"))


@pytest.mark.parametrize("filename", [b"ok.jpg\x00.php", b"ok\x1b[2J.jpg", b"..", b"a/../../b.jpg"])
async def test_control_characters_and_traversal_in_raw_names_are_refused(me, filename):
    before = await _state(me.user.id)
    response = await me.post(f"{URL}/{me.profile.id}/upload-photo", **_raw_multipart(filename, b"image/jpeg", JPEG))
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid file name"
    assert await _state(me.user.id) == before


async def test_an_oversized_request_is_refused_before_its_body_is_read(me):
    before = await _state(me.user.id)
    sent = 0

    async def body():
        nonlocal sent
        boundary = b"--xyz\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
        yield b"Content-Type: image/jpeg\r\n\r\n" + JPEG[:20]
        for _ in range(8):
            sent += 1
            yield b"\x00" * (1024 * 1024)
        yield b"\r\n--xyz--\r\n"

    response = await me.post(
        f"{URL}/{me.profile.id}/upload-photo", content=body(),
        headers={"Content-Type": "multipart/form-data; boundary=xyz", "Content-Length": str(9 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert sent == 0
    assert await _state(me.user.id) == before


async def test_an_upload_without_a_declared_length_stops_at_the_limit(me):
    before = await _state(me.user.id)
    pulled = 0

    async def body():
        nonlocal pulled
        yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
        yield b"Content-Type: image/jpeg\r\n\r\n" + JPEG[:20]
        for _ in range(50):
            pulled += 1
            yield b"\x00" * (512 * 1024)
        yield b"\r\n--xyz--\r\n"

    response = await me.post(f"{URL}/{me.profile.id}/upload-photo", content=body(),
                             headers={"Content-Type": "multipart/form-data; boundary=xyz"})
    assert response.status_code == 413
    # Reading stopped just past 5 MB rather than draining all 25 MB.
    assert pulled <= 12
    assert await _state(me.user.id) == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"json": {"file": "abc"}},
        {"files": {"photo": ("a.jpg", JPEG, "image/jpeg")}},
        {"data": {"file": "not a file"}},
        {"content": b"--xyz\r\nbroken", "headers": {"Content-Type": "multipart/form-data; boundary=xyz"}},
    ],
)
async def test_a_request_without_the_file_part_is_422(me, kwargs):
    before = await _state(me.user.id)
    response = await me.post(f"{URL}/{me.profile.id}/upload-photo", **kwargs)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "body.file"
    assert await _state(me.user.id) == before


@pytest.mark.parametrize("tail", [b"", b"\r\n", b"\r\n--xyz", b"\r\n--xyz-"])
@pytest.mark.parametrize("size", [0, 3 * 1024 * 1024])  # all buffered; past a chunk, so storing has begun
async def test_a_body_cut_off_inside_the_file_is_422_and_stores_nothing(me, tail, size):
    await me.post(f"{URL}/{me.profile.id}/upload-photo", files={"file": ("first.jpg", JPEG, "image/jpeg")})
    before = await _state(me.user.id)
    body = _raw_multipart(b"me.jpg", b"image/jpeg", JPEG + b"\x00" * size)
    body["content"] = body["content"].removesuffix(b"\r\n--xyz--\r\n") + tail

    response = await me.post(f"{URL}/{me.profile.id}/upload-photo", **body)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"] == "body.file"
    assert await _state(me.user.id) == before
    assert not list((get_settings().media_root / ".partial").glob("*"))


@pytest.mark.parametrize("tail", [b"\r\n--xyz--", b'\r\n--xyz\r\nContent-Disposition: form-data; name="x"\r\n\r\n1'])
async def test_a_file_part_closed_by_its_boundary_is_complete(me, tail):
    """The file ends at the boundary after it; what follows that (a missing CRLF, a cut-off
    later field) does not make the file itself incomplete."""
    body = _raw_multipart(b"me.jpg", b"image/jpeg", JPEG)
    body["content"] = body["content"].removesuffix(b"\r\n--xyz--\r\n") + tail
    response = await me.post(f"{URL}/{me.profile.id}/upload-photo", **body)
    assert response.status_code == 202, response.text
    stored = (get_settings().media_root / (await User.get(id=me.user.id)).profile_picture).read_bytes()
    assert stored == JPEG


async def test_who_may_upload(login_as, staff_client, admin_client):
    student = await factories.create_student()
    files = {"file": ("a.jpg", JPEG, "image/jpeg")}
    other = await login_as("student")
    assert (await other.post(f"{URL}/{student.id}/upload-photo", files=files)).status_code == 404
    for role in ("faculty", "parent"):
        client = await login_as(role)
        assert (await client.post(f"{URL}/{student.id}/upload-photo", files=files)).status_code == 403
    assert (await User.get(id=student.user_id)).profile_picture is None
    assert (await staff_client.post(f"{URL}/{student.id}/upload-photo", files=files)).status_code == 202
    assert (await admin_client.post(f"{URL}/{student.id}/upload-photo", files=files)).status_code == 202
    assert (await staff_client.post(f"{URL}/999999/upload-photo", files=files)).status_code == 404


async def test_who_may_see_the_photo(login_as, staff_client):
    parent = await login_as("parent")
    child = await factories.create_student(parent=parent.profile)
    await staff_client.post(f"{URL}/{child.id}/upload-photo", files={"file": ("a.webp", WEBP, "image/webp")})
    assert (await parent.get(f"{URL}/{child.id}/photo")).content == WEBP
    faculty = await login_as("faculty")
    # Notes §3.11: a lecturer sees the photo of a student they teach, no other.
    assert (await faculty.get(f"{URL}/{child.id}/photo")).status_code == 404
    await teach(faculty.profile, child)
    assert (await faculty.get(f"{URL}/{child.id}/photo")).status_code == 200
    stranger = await login_as("student")
    assert (await stranger.get(f"{URL}/{child.id}/photo")).status_code == 404
    other_parent = await login_as("parent")
    assert (await other_parent.get(f"{URL}/{child.id}/photo")).status_code == 404


async def test_no_photo_or_a_lost_file_is_404(staff_client):
    student = await factories.create_student()
    assert (await staff_client.get(f"{URL}/{student.id}/photo")).status_code == 404
    await User.filter(id=student.user_id).update(profile_picture="photos/missing_0123456789abcdef.jpg")
    assert (await staff_client.get(f"{URL}/{student.id}/photo")).status_code == 404


async def test_parallel_uploads_leave_exactly_one_file(staff_client):
    student = await factories.create_student()
    before = _media_files()
    responses = await asyncio.gather(*(
        staff_client.post(f"{URL}/{student.id}/upload-photo", files={"file": (f"{n}.jpg", JPEG, "image/jpeg")})
        for n in range(5)
    ))
    assert all(r.status_code == 202 for r in responses)
    remaining = _media_files() - before
    user = await User.get(id=student.user_id)
    assert {p.name for p in remaining} == {Path(user.profile_picture).name}
