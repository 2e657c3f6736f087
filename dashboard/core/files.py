"""Uploaded files: where they are kept, and how an upload is checked before it is kept.

Services talk to a `FileStore` through keys (``photos/12_3f2a….jpg``), never paths, so a
response can never leak where a file lives and an S3-compatible store can replace the
local directory by implementing the same four methods.

An upload reaches a service as an `UploadSource`: a name and declared type the client
claims, and the bytes as an async stream. `accept_upload` checks all three against an
allow-list (name's extension, declared MIME type, and the magic bytes actually sent),
stops reading the moment the size limit is passed, and only then lets the bytes reach the
store; a rejected upload leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, runtime_checkable

from dashboard.core.errors import InvalidState, NotFound, PayloadTooLarge

MB = 1024 * 1024
CHUNK_SIZE = 1 * MB


# --- the store ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredFile:
    key: str
    size: int


class FileStore(Protocol):
    async def save(self, chunks: AsyncIterable[bytes], *, folder: str, suffix: str,
                   name_prefix: str = "") -> StoredFile:
        """Write the stream under a new random key. If the stream raises, nothing is kept
        and the error propagates."""

    async def open(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The file's bytes in chunks; `NotFound` when there is no such file."""

    async def size(self, key: str) -> int | None:
        """Bytes, or None when the file does not exist."""

    async def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""


# A key is one or more lowercase folder names and a file name made of safe characters:
# no absolute paths, no "..", no separators other than "/".
_KEY = re.compile(r"^(?:[a-z0-9][a-z0-9_-]*/)+[A-Za-z0-9][A-Za-z0-9_.-]*$")
_FOLDER = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")
_PREFIX = re.compile(r"^[A-Za-z0-9_-]{0,40}$")


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a file store key: {key!r}")
    return key


def new_key(*, folder: str, suffix: str, name_prefix: str = "") -> str:
    """`<folder>/<prefix>_<random><suffix>`: the client's file name never reaches the disk."""
    if not _FOLDER.fullmatch(folder) or not _SUFFIX.fullmatch(suffix) or not _PREFIX.fullmatch(name_prefix):
        raise ValueError("bad folder, suffix or prefix for a file store key")
    name = f"{name_prefix}_{secrets.token_hex(16)}" if name_prefix else secrets.token_hex(16)
    return check_key(f"{folder}/{name}{suffix}")


class LocalFileStore:
    """Files in a directory on this machine (the default: settings.media_root).

    Writes go to a temporary file in the same directory tree and are renamed into place
    only when the whole stream has arrived, so a half-written file is never visible.
    Disk work runs in a thread so a slow disk does not stall the event loop."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / PurePosixPath(check_key(key))).resolve()
        if self.root not in path.parents:
            raise ValueError(f"key escapes the store: {key!r}")
        return path

    async def save(self, chunks: AsyncIterable[bytes], *, folder: str, suffix: str,
                   name_prefix: str = "") -> StoredFile:
        key = new_key(folder=folder, suffix=suffix, name_prefix=name_prefix)
        final = self._path(key)
        partial = self.root / ".partial" / f"{secrets.token_hex(16)}.part"
        handle: Any = None
        size = 0
        try:
            async for chunk in chunks:
                if handle is None:
                    handle = await asyncio.to_thread(_open_for_write, partial)
                await asyncio.to_thread(handle.write, chunk)
                size += len(chunk)
            if handle is None:  # an empty stream still makes a (0-byte) file
                handle = await asyncio.to_thread(_open_for_write, partial)
            await asyncio.to_thread(_finish, handle, partial, final)
            handle = None
        except BaseException:
            if handle is not None:
                await asyncio.to_thread(handle.close)
            await asyncio.to_thread(_unlink, partial)
            raise
        return StoredFile(key=key, size=size)

    async def open(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError as exc:
            raise NotFound("File not found") from exc
        return _read_chunks(handle, chunk_size)

    async def size(self, key: str) -> int | None:
        try:
            return (await asyncio.to_thread(self._path(key).stat)).st_size
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(_unlink, self._path(key))


def _open_for_write(path: Path):  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("xb")


def _finish(handle, partial: Path, final: Path) -> None:  # type: ignore[no-untyped-def]
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(partial, final)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


async def _read_chunks(handle, chunk_size: int) -> AsyncIterator[bytes]:  # type: ignore[no-untyped-def]
    try:
        while chunk := await asyncio.to_thread(handle.read, chunk_size):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


@lru_cache(maxsize=4)
def _local_store(root: str) -> LocalFileStore:
    return LocalFileStore(Path(root))


@lru_cache(maxsize=4)
def _s3_store(settings: Any) -> FileStore:
    from dashboard.core.storage import S3FileStore

    return S3FileStore(settings)


def file_store() -> FileStore:
    """The configured store (`FILE_STORE`: local, or s3 in dashboard.core.storage). Read
    per call (not at import) so settings changed by tests or the CLI are honoured."""
    from dashboard.settings import get_settings

    settings = get_settings()
    if settings.file_store == "s3":
        from dashboard.core.storage import S3Settings

        secret = settings.s3_secret_access_key
        return _s3_store(S3Settings(
            bucket=settings.s3_bucket or "", endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
            access_key_id=settings.s3_access_key_id, secret_access_key=secret.get_secret_value() if secret else None,
            prefix=settings.s3_prefix))
    return _local_store(str(settings.media_root))


# --- checking an upload ----------------------------------------------------------------


@runtime_checkable
class UploadSource(Protocol):
    """An incoming file. `begin` returns what the client claims (file name and MIME type,
    either may be None) and may be where a streamed request is first read; `chunks` then
    yields the content."""

    async def begin(self) -> tuple[str | None, str | None]: ...

    def chunks(self) -> AsyncIterator[bytes]: ...


class SpooledUpload:
    """An `UploadSource` over an already-received file object with an async `read(n)`,
    such as Starlette's UploadFile (the admin panel's forms)."""

    def __init__(self, file: object, *, filename: str | None, content_type: str | None) -> None:
        self._file = file
        self._filename = filename
        self._content_type = content_type

    async def begin(self) -> tuple[str | None, str | None]:
        return self._filename, self._content_type

    async def chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self._file.read(CHUNK_SIZE):  # type: ignore[attr-defined]
            yield chunk


def _is_jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_webp(head: bytes) -> bool:
    return len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_pdf(head: bytes) -> bool:
    return head.startswith(b"%PDF-")


class ContentScanner(Protocol):
    """Reads the whole upload as it streams past and refuses it (InvalidState) when the
    content is not what its kind promises, beyond the first bytes."""

    def feed(self, chunk: bytes) -> None: ...

    def finish(self) -> None: ...


# Markup a browser would render from a file sniffed as HTML: in the first KB of an image
# or a PDF it makes the file a polyglot.
_MARKUP = re.compile(rb"<(?:script|html|body|iframe|svg|\?php)\b", re.IGNORECASE)
_MARKUP_WINDOW = 1024
# The end-of-central-directory record of a ZIP: a binary file that ends with one is also
# an archive (the "GIFAR" and PDF+ZIP polyglots). The record sits in the last 64 KB + 22 B.
_ZIP_END = b"PK\x05\x06"
_ZIP_END_WINDOW = 65536 + 22
_POLYGLOT = "File content does not match its declared type (it is also another kind of file)"


class _SingleKindScanner:
    """Images and PDFs: no markup near the start, no archive at the end."""

    def __init__(self) -> None:
        self._start = bytearray()
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if len(self._start) < _MARKUP_WINDOW:
            self._start.extend(chunk[: _MARKUP_WINDOW - len(self._start)])
            if _MARKUP.search(self._start):
                raise InvalidState(_POLYGLOT)
        self._tail = (self._tail + chunk)[-_ZIP_END_WINDOW:]

    def finish(self) -> None:
        if _ZIP_END in self._tail:
            raise InvalidState(_POLYGLOT)


class _ContainsScanner:
    """Office files: a marker that only this kind holds must appear in the stream (the
    part names of an Office Open XML package, the stream names of an OLE2 compound file)."""

    def __init__(self, markers: tuple[bytes, ...], *, within: int | None = None) -> None:
        self._markers = markers
        self._within = within
        self._carry = b""
        self._read = 0
        self._found = False

    def feed(self, chunk: bytes) -> None:
        if self._found or (self._within is not None and self._read >= self._within):
            return
        if self._within is not None:
            chunk = chunk[: self._within - self._read]
        window = self._carry + chunk
        self._found = any(marker in window for marker in self._markers)
        longest = max(map(len, self._markers))
        self._carry = window[-longest:]
        self._read += len(chunk)

    def finish(self) -> None:
        if not self._found:
            raise InvalidState("File content does not match its declared type")


# Text may hold tabs, line ends and form feeds, and no other control character.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class _TextScanner:
    """Text files: UTF-8 throughout (a BOM allowed), no NUL or other control characters,
    so that an executable or an archive renamed to .txt or .csv is refused."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")

    def _check(self, text: str) -> None:
        if _TEXT_CONTROL.search(text):
            raise InvalidState("File content does not match its declared type (not plain text)")

    def feed(self, chunk: bytes) -> None:
        try:
            self._check(self._decoder.decode(chunk))
        except UnicodeDecodeError as exc:
            raise InvalidState("File content does not match its declared type (not UTF-8 text)") from exc

    def finish(self) -> None:
        try:
            self._check(self._decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise InvalidState("File content does not match its declared type (not UTF-8 text)") from exc


# The signatures of files that are never text, whatever their bytes after the start.
_BINARY_STARTS = (b"MZ", b"\x7fELF", b"PK\x03\x04", b"%PDF-", b"\xd0\xcf\x11\xe0", b"\xff\xd8\xff",
                  b"\x89PNG", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")


def _is_text(head: bytes) -> bool:
    return not head.startswith(_BINARY_STARTS)


def _is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _is_ole2(head: bytes) -> bool:
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


@dataclass(frozen=True, slots=True)
class FileKind:
    mime_type: str
    extensions: tuple[str, ...]
    # True when the first bytes are those of this kind of file.
    matches: Callable[[bytes], bool]
    # Checks the whole content as it streams (None: the first bytes are enough).
    scanner: Callable[[], ContentScanner] | None = None
    # Other MIME types clients commonly declare for it.
    also_declared: tuple[str, ...] = ()

    @property
    def suffix(self) -> str:
        return self.extensions[0]

    def declared_as(self, mime_type: str) -> bool:
        return mime_type == self.mime_type or mime_type in self.also_declared


JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"), _is_jpeg, _SingleKindScanner)
PNG = FileKind("image/png", (".png",), _is_png, _SingleKindScanner)
WEBP = FileKind("image/webp", (".webp",), _is_webp, _SingleKindScanner)
PDF = FileKind("application/pdf", (".pdf",), _is_pdf, _SingleKindScanner)
# Office Open XML packages are ZIPs whose part names (stored uncompressed in each local
# header) say which application made them; Office writes them within the first parts.
_OOXML_WINDOW = 256 * 1024
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), _is_zip,
                lambda: _ContainsScanner((b"word/",), within=_OOXML_WINDOW))
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), _is_zip,
                lambda: _ContainsScanner((b"xl/",), within=_OOXML_WINDOW))
# The older binary formats are OLE2 compound files, told apart by their main stream's name
# (UTF-16 in the directory).
DOC = FileKind("application/msword", (".doc",), _is_ole2, lambda: _ContainsScanner((_utf16("WordDocument"),)))
XLS = FileKind("application/vnd.ms-excel", (".xls",), _is_ole2,
               lambda: _ContainsScanner((_utf16("Workbook"), _utf16("Book\x00"))))
TXT = FileKind("text/plain", (".txt",), _is_text, _TextScanner)
CSV = FileKind("text/csv", (".csv",), _is_text, _TextScanner,
               also_declared=("application/csv", "text/comma-separated-values", "application/vnd.ms-excel"))

IMAGES: tuple[FileKind, ...] = (JPEG, PNG, WEBP)
PHOTO_MAX_BYTES = 5 * MB
# The spec's document allow-list.
DOCUMENTS: tuple[FileKind, ...] = (PDF, JPEG, PNG, WEBP, DOC, DOCX, XLS, XLSX, TXT, CSV)
# Enough bytes for every signature above.
_HEAD_BYTES = 16

_MIME_BY_SUFFIX = {ext: kind.mime_type for kind in DOCUMENTS for ext in kind.extensions}


def mime_type_of(key: str) -> str:
    """The MIME type of a stored file, from the suffix the store gave it."""
    return _MIME_BY_SUFFIX.get(PurePosixPath(key).suffix.lower(), "application/octet-stream")


def check_file_name(name: str | None) -> str | None:
    """The client's file name, refused when it tries to name a path (separators, "..",
    control characters) rather than a file. Only its extension is ever used."""
    if name is None or name == "":
        return None
    if (
        "/" in name or "\\" in name or ".." in name or len(name) > 255
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
    ):
        raise InvalidState("Invalid file name")
    return name


@dataclass(frozen=True, slots=True)
class AcceptedUpload:
    kind: FileKind
    filename: str | None
    # The checked bytes; iterate once.
    chunks: AsyncIterator[bytes]


async def accept_upload(
    upload: UploadSource, *, kinds: Iterable[FileKind], max_bytes: int, default_suffix: str | None = None,
) -> AcceptedUpload:
    """Check an upload against the allowed kinds before any byte is stored.

    The extension, the declared MIME type and the magic bytes must all name the same
    allowed kind (400 otherwise); an empty file is refused (400); the returned stream
    raises `PayloadTooLarge` (413) as soon as the total passes `max_bytes`, without
    reading further. `default_suffix` stands in for a missing file name.
    """
    allowed = tuple(kinds)
    raw_name, declared = await upload.begin()
    filename = check_file_name(raw_name)
    suffix = PurePosixPath(filename).suffix.lower() if filename else (default_suffix or "")
    declared_type = (declared or "").split(";")[0].strip().lower()

    by_suffix = [kind for kind in allowed if suffix in kind.extensions]
    if not by_suffix:
        names = ", ".join(ext for kind in allowed for ext in kind.extensions)
        raise InvalidState(f"File extension not allowed; use one of {names}")
    kind = next((k for k in by_suffix if k.declared_as(declared_type)), None)
    if kind is None:
        raise InvalidState("File type not allowed or does not match the file extension")

    stream = aiter(upload.chunks())
    head = bytearray()
    buffered: list[bytes] = []
    async for chunk in stream:
        if not chunk:
            continue
        buffered.append(chunk)
        head.extend(chunk[: _HEAD_BYTES - len(head)])
        if len(head) >= _HEAD_BYTES or sum(map(len, buffered)) > max_bytes:
            break
    if not buffered:
        raise InvalidState("The file is empty")
    if not kind.matches(bytes(head)):
        raise InvalidState("File content does not match its declared type")
    if sum(map(len, buffered)) > max_bytes:
        raise PayloadTooLarge(f"File exceeds the {max_bytes // MB} MB limit")

    scanner = kind.scanner() if kind.scanner else None

    async def checked() -> AsyncIterator[bytes]:
        total = 0
        for chunk in buffered:
            total += len(chunk)
            if scanner:
                scanner.feed(chunk)
            yield chunk
        async for chunk in stream:
            total += len(chunk)
            if total > max_bytes:
                raise PayloadTooLarge(f"File exceeds the {max_bytes // MB} MB limit")
            if scanner:
                scanner.feed(chunk)
            yield chunk
        # Before the store keeps the file: a refusal here still leaves nothing behind.
        if scanner:
            scanner.finish()

    return AcceptedUpload(kind=kind, filename=filename, chunks=checked())
