"""dashboard.core.files: the local store and the upload checks, without the web layer."""

from __future__ import annotations

import pytest

from dashboard.core.errors import InvalidState, NotFound, PayloadTooLarge
from dashboard.core.files import (
    IMAGES,
    MB,
    LocalFileStore,
    accept_upload,
    check_key,
    mime_type_of,
    new_key,
)

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"


class Source:
    """An UploadSource whose pulls are counted."""

    def __init__(self, name, content_type, chunks):
        self.name, self.content_type, self._chunks, self.pulled = name, content_type, chunks, 0

    async def begin(self):
        return self.name, self.content_type

    async def chunks(self):
        for chunk in self._chunks:
            self.pulled += 1
            yield chunk


async def _stream(*chunks):
    for chunk in chunks:
        yield chunk


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


async def test_save_open_size_delete(tmp_path):
    store = LocalFileStore(tmp_path)
    stored = await store.save(_stream(b"abc", b"def"), folder="photos", suffix=".jpg", name_prefix="12")
    assert stored.size == 6 and stored.key.startswith("photos/12_") and stored.key.endswith(".jpg")
    assert await store.size(stored.key) == 6
    assert b"".join([c async for c in await store.open(stored.key, chunk_size=4)]) == b"abcdef"
    await store.delete(stored.key)
    await store.delete(stored.key)  # a missing file is fine
    assert await store.size(stored.key) is None
    with pytest.raises(NotFound):
        await store.open(stored.key)


async def test_keys_are_random_and_never_client_names(tmp_path):
    keys = {new_key(folder="photos", suffix=".png") for _ in range(50)}
    assert len(keys) == 50
    for bad in ("photos/../x.jpg", "/etc/passwd", "photos/a/../../b", "..", "photos\\x.jpg", "x.jpg", "photos/"):
        with pytest.raises(ValueError):  # noqa: PT011 - the refusal is the point, its wording is not
            check_key(bad)
    with pytest.raises(ValueError):  # noqa: PT011 - the refusal is the point, its wording is not
        new_key(folder="../up", suffix=".jpg")
    with pytest.raises(ValueError):  # noqa: PT011 - the refusal is the point, its wording is not
        new_key(folder="photos", suffix=".jpg/../x")


async def test_a_failing_stream_leaves_nothing(tmp_path):
    store = LocalFileStore(tmp_path)

    async def broken():
        yield b"x" * 100
        raise PayloadTooLarge("too big")

    with pytest.raises(PayloadTooLarge):
        await store.save(broken(), folder="photos", suffix=".jpg")
    assert _files(tmp_path) == []


async def test_accept_upload_checks_before_storing_and_stops_at_the_limit(tmp_path):
    source = Source("a.jpg", "image/jpeg", [JPEG_HEAD] + [b"\x00" * MB] * 20)
    accepted = await accept_upload(source, kinds=IMAGES, max_bytes=5 * MB)
    assert accepted.kind.mime_type == "image/jpeg"
    with pytest.raises(PayloadTooLarge):
        await LocalFileStore(tmp_path).save(accepted.chunks, folder="photos", suffix=".jpg")
    assert source.pulled == 6  # the header and five 1 MB chunks pass 5 MB; the other 15 are never read
    assert _files(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "content_type", "chunks", "error"),
    [
        ("a.gif", "image/gif", [b"GIF89a"], InvalidState),
        ("a.jpg", "image/png", [JPEG_HEAD], InvalidState),
        ("a.jpg", "image/jpeg", [b"<?php"], InvalidState),
        ("a.jpg", "image/jpeg", [], InvalidState),
        ("a.jpg", "image/jpeg", [b"", b""], InvalidState),
        ("../a.jpg", "image/jpeg", [JPEG_HEAD], InvalidState),
    ],
)
async def test_accept_upload_refusals(name, content_type, chunks, error):
    with pytest.raises(error):
        await accept_upload(Source(name, content_type, chunks), kinds=IMAGES, max_bytes=MB)


async def test_magic_bytes_split_across_chunks_and_declared_parameters():
    source = Source("a.webp", "image/webp; charset=binary", [b"RI", b"FF\x10\x00\x00\x00WE", b"BPVP8 rest"])
    accepted = await accept_upload(source, kinds=IMAGES, max_bytes=MB)
    assert accepted.kind.mime_type == "image/webp"
    assert b"".join([c async for c in accepted.chunks]) == b"RIFF\x10\x00\x00\x00WEBPVP8 rest"


def test_mime_type_of_stored_keys():
    assert mime_type_of("photos/1_x.jpg") == "image/jpeg" and mime_type_of("photos/x.webp") == "image/webp"
    assert mime_type_of("photos/x.bin") == "application/octet-stream"
