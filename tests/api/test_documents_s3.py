"""Documents and photos on the S3-compatible store (FILE_STORE=s3), against a real
S3-protocol server (moto's) started on loopback for this module: uploads, downloads,
deletes, multipart uploads, and every upload attack refused with nothing in the bucket
and no multipart upload left open."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from aiobotocore.session import get_session

from dashboard.core.files import MB, file_store
from dashboard.core.storage import PART_SIZE, S3FileStore, S3Settings
from dashboard.settings import get_settings
from models import Document, User
from tests.api.test_documents import ALLOWED, ATTACKS, PDF, URL, _upload
from tests.api.test_students_photos import JPEG, PHP, PNG

BUCKET = "dashboard-test"
ACCESS = {"s3_access_key_id": "testing", "s3_region": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
async def s3(s3_server, monkeypatch, app) -> AsyncIterator[S3FileStore]:
    """The app's store switched to a fresh bucket (with a key prefix) on the loopback server."""
    from pydantic import SecretStr

    settings = get_settings()
    for name, value in {"file_store": "s3", "s3_bucket": BUCKET, "s3_endpoint_url": s3_server,
                        "s3_prefix": "uni/", "s3_secret_access_key": SecretStr("testing"), **ACCESS}.items():
        monkeypatch.setattr(settings, name, value)
    session = get_session()
    async with session.create_client("s3", region_name="us-east-1", endpoint_url=s3_server,
                                     aws_access_key_id="testing", aws_secret_access_key="testing") as client:
        await client.create_bucket(Bucket=BUCKET)
        store = file_store()
        assert isinstance(store, S3FileStore) and store.settings.endpoint_url == s3_server
        yield store
        for key in await store.keys():
            await client.delete_object(Bucket=BUCKET, Key="uni/" + key)
        uploads = await client.list_multipart_uploads(Bucket=BUCKET)
        for upload in uploads.get("Uploads", []):
            await client.abort_multipart_upload(Bucket=BUCKET, Key=upload["Key"], UploadId=upload["UploadId"])
        await client.delete_bucket(Bucket=BUCKET)


async def _nothing_stored(store: S3FileStore) -> bool:
    return await store.keys() == [] and await store.pending_uploads() == 0


@pytest.mark.parametrize(("name", "content_type", "content"), ALLOWED[:4] + ALLOWED[-2:],
                         ids=[f"{a[0]}:{a[1]}" for a in ALLOWED[:4] + ALLOWED[-2:]])
async def test_documents_go_to_the_bucket_and_come_back(s3, student_client, staff_client, name, content_type,
                                                        content):
    created = await _upload(student_client, name, content_type, content)
    assert created.status_code == 201, created.text
    (key,) = await s3.keys()
    assert key.startswith("documents/") and name.split(".")[0] not in key
    download = await student_client.get(f"{URL}/{created.json()['id']}/download")
    assert download.status_code == 200 and download.content == content
    assert download.headers["content-length"] == str(len(content))
    assert (await staff_client.delete(f"{URL}/{created.json()['id']}")).status_code == 204
    assert await _nothing_stored(s3)


@pytest.mark.parametrize(("name", "content_type", "content"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS])
async def test_attacks_are_refused_with_nothing_in_the_bucket(s3, student_client, name, content_type, content):
    response = await _upload(student_client, name, content_type, content)
    assert response.status_code == 400, response.text
    assert await Document.all().count() == 0 and await _nothing_stored(s3)


def _streamed_upload(*, megabytes: int, name: str = "big.txt", content_type: str = "text/plain"):
    """A multipart body sent without Content-Length (chunked), `megabytes` of text in it."""
    boundary = "XyZ"
    sent = {"chunks": 0}

    async def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nBig\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\nother\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
               f"Content-Type: {content_type}\r\n\r\n").encode()
        for _ in range(megabytes * 4):
            sent["chunks"] += 1
            yield b"a" * (256 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    return body(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}, sent


async def test_an_oversized_body_without_content_length_aborts_its_multipart_upload(s3, student_client):
    """10 MB (the limit) is past one part, so the store has begun a multipart upload when
    the limit is crossed: it is aborted, and the object never exists."""
    assert get_settings().document_max_mb * MB > PART_SIZE
    body, headers, sent = _streamed_upload(megabytes=30)
    response = await student_client.post(f"{URL}/upload", content=body, headers=headers)
    assert response.status_code == 413, response.text
    assert sent["chunks"] < 30 * 4, "reading stopped at the limit"
    assert await Document.all().count() == 0 and await _nothing_stored(s3)


async def test_a_document_larger_than_a_part_is_stored_in_parts_and_read_back(s3, student_client):
    body, headers, _ = _streamed_upload(megabytes=9)
    response = await student_client.post(f"{URL}/upload", content=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["file_size"] == 9 * MB
    assert await s3.pending_uploads() == 0
    download = await student_client.get(f"{URL}/{response.json()['id']}/download")
    assert download.status_code == 200 and download.content == b"a" * (9 * MB)


async def test_a_missing_object_is_a_404(s3, student_client):
    created = (await _upload(student_client)).json()
    for key in await s3.keys():
        await s3.delete(key)
    assert (await student_client.get(f"{URL}/{created['id']}/download")).status_code == 404
    assert await s3.size("documents/none.pdf") is None


async def test_a_refused_form_removes_the_stored_object(s3, student_client):
    """The file arrives before the form is checked: a bad form deletes it again."""
    response = await _upload(student_client, document_type="no-such-type")
    assert response.status_code == 422
    assert await _nothing_stored(s3)


# --- photos ----------------------------------------------------------------------------------


async def test_photos_use_the_bucket_too(s3, login_as, staff_client):
    me = await login_as("student")
    response = await me.post(f"/api/v1/students/{me.profile.id}/upload-photo",
                             files={"file": ("me.png", PNG, "image/png")})
    assert response.status_code == 202, response.text
    (key,) = await s3.keys()
    assert key.startswith("photos/")
    assert (await User.get(id=me.user.id)).profile_picture == key
    photo = await staff_client.get(f"/api/v1/students/{me.profile.id}/photo")
    assert photo.status_code == 200 and photo.content == PNG
    # A new photo replaces the old object once committed.
    await me.post(f"/api/v1/students/{me.profile.id}/upload-photo", files={"file": ("me.jpg", JPEG, "image/jpeg")})
    (newer,) = await s3.keys()
    assert newer != key and newer.endswith(".jpg")


@pytest.mark.parametrize(("name", "content_type", "content"), [
    ("shell.jpg", "image/jpeg", PHP), ("me.png", "image/jpeg", PNG), ("../me.jpg", "image/jpeg", JPEG),
    ("me.pdf", "application/pdf", PDF)])
async def test_refused_photos_leave_nothing_in_the_bucket(s3, login_as, name, content_type, content):
    me = await login_as("student")
    response = await me.post(f"/api/v1/students/{me.profile.id}/upload-photo",
                             files={"file": (name, content, content_type)})
    assert response.status_code == 400, response.text
    assert await _nothing_stored(s3)
    assert (await User.get(id=me.user.id)).profile_picture is None


def test_s3_needs_a_bucket():
    from pydantic import ValidationError

    from dashboard.settings import Settings

    with pytest.raises(ValidationError, match="S3_BUCKET"):
        Settings(file_store="s3")
    assert Settings(file_store="s3", s3_bucket="b").file_store == "s3"


async def test_the_store_streams_in_chunks(s3):
    async def chunks():
        yield b"x" * MB
        yield b"y" * MB

    stored = await s3.save(chunks(), folder="documents", suffix=".txt", name_prefix="7")
    assert stored.size == 2 * MB and await s3.size(stored.key) == 2 * MB
    pieces = [piece async for piece in await s3.open(stored.key, chunk_size=MB // 2)]
    assert b"".join(pieces) == b"x" * MB + b"y" * MB and len(pieces) >= 4
    store = S3FileStore(S3Settings(bucket=BUCKET, endpoint_url=s3.settings.endpoint_url, access_key_id="testing",
                                   secret_access_key="testing"))
    assert await store.size("uni/" + stored.key) == 2 * MB, "the prefix is part of the object's name"
