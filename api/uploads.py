"""Reading one uploaded file straight off the request stream.

FastAPI's `UploadFile` parameters make Starlette read and spool the whole body before
the endpoint runs, so a size limit could only be checked after the fact. `StreamedUpload`
instead parses multipart/form-data as it arrives: it reads up to the headers of the file
part when the service asks (`begin`, after the caller was authorised), then hands out the
file's bytes in 1 MB chunks; the service stops pulling, and the request stops being read,
as soon as its limit is passed.

It is a `dashboard.core.files.UploadSource`, so services never see the web layer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header

from dashboard.core.errors import PayloadTooLarge
from dashboard.core.files import CHUNK_SIZE

# Room for the multipart boundaries and part headers around the file itself.
_ENVELOPE_BYTES = 64 * 1024
# Small form fields sent alongside the file.
_MAX_FIELD_BYTES = 64 * 1024
_MAX_FIELDS = 20


def _missing_file(field: str, message: str = "Field required") -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": "missing"}])


class StreamedUpload:
    def __init__(self, request: Request, *, field: str = "file", max_bytes: int | None = None) -> None:
        self._request = request
        self._field = field
        self._max_bytes = max_bytes
        self._stream: AsyncIterator[bytes] | None = None
        self._parser: MultipartParser | None = None
        self._done = False
        # Parser state.
        self._header_name = b""
        self._header_value = b""
        self._part_headers: dict[bytes, bytes] = {}
        self._part_name: str | None = None
        self._part_is_file = False
        self._in_target = False
        self._target_seen = False
        self._target_ended = False
        self._field_data = bytearray()
        self._data = bytearray()
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.content_type: str | None = None

    # python-multipart callbacks -------------------------------------------------------
    def _on_part_begin(self) -> None:
        self._part_headers = {}
        self._part_name = None
        self._part_is_file = False
        self._field_data = bytearray()

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        self._part_headers[self._header_name.lower()] = self._header_value
        self._header_name = b""
        self._header_value = b""

    def _on_headers_finished(self) -> None:
        _, options = parse_options_header(self._part_headers.get(b"content-disposition", b""))
        self._part_name = options.get(b"name", b"").decode("utf-8", "replace")
        self._part_is_file = b"filename" in options
        if self._part_name == self._field and self._part_is_file and not self._target_seen:
            self._target_seen = True
            self._in_target = True
            self.filename = options[b"filename"].decode("utf-8", "replace")
            content_type = self._part_headers.get(b"content-type")
            self.content_type = content_type.decode("latin-1") if content_type else None

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_target:
            self._data.extend(data[start:end])
        elif not self._part_is_file:
            self._field_data.extend(data[start:end])
            if len(self._field_data) > _MAX_FIELD_BYTES:
                raise PayloadTooLarge("A form field is too large")
        # Other files in the request are not wanted: their bytes are dropped.

    def _on_part_end(self) -> None:
        if self._in_target:
            self._in_target = False
            self._target_ended = True
        elif not self._part_is_file and self._part_name:
            if len(self.fields) >= _MAX_FIELDS:
                raise PayloadTooLarge("Too many form fields")
            self.fields[self._part_name] = self._field_data.decode("utf-8", "replace")

    # reading --------------------------------------------------------------------------
    def _start(self) -> None:
        content_type = self._request.headers.get("content-type", "")
        kind, params = parse_options_header(content_type)
        if kind != b"multipart/form-data" or b"boundary" not in params:
            raise _missing_file(self._field, "Expected a multipart/form-data body with a file")
        declared = self._request.headers.get("content-length")
        if self._max_bytes is not None and declared and declared.isdigit() \
                and int(declared) > self._max_bytes + _ENVELOPE_BYTES:
            # Refused before a byte of the body is read.
            raise PayloadTooLarge(f"File exceeds the {self._max_bytes // (1024 * 1024)} MB limit")
        self._parser = MultipartParser(params[b"boundary"], {
            "on_part_begin": self._on_part_begin,
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._on_part_end,
        })
        self._stream = self._request.stream()

    async def _pump(self) -> bool:
        """Feed the parser one more piece of the body; False at its end."""
        assert self._parser is not None and self._stream is not None  # noqa: S101 - set by the caller's __aenter__; narrows the types
        if self._done:
            return False
        try:
            chunk = await anext(self._stream)
        except StopAsyncIteration:
            self._done = True
            try:
                self._parser.finalize()
            except FormParserError as exc:
                raise _missing_file(self._field, "Invalid multipart body") from exc
            return False
        try:
            self._parser.write(chunk)
        except FormParserError as exc:
            raise _missing_file(self._field, "Invalid multipart body") from exc
        return True

    async def begin(self) -> tuple[str | None, str | None]:
        if self._parser is None:
            self._start()
        while not self._target_seen:
            if not await self._pump():
                raise _missing_file(self._field)
        return self.filename, self.content_type

    async def chunks(self) -> AsyncIterator[bytes]:
        await self.begin()
        while True:
            while len(self._data) >= CHUNK_SIZE:
                piece = bytes(self._data[:CHUNK_SIZE])
                del self._data[:CHUNK_SIZE]
                yield piece
            if self._target_ended:
                break
            if not await self._pump():
                # The body stopped inside the file part (no boundary after it): a cut-off
                # request, whose bytes are a truncated file. python-multipart's finalize()
                # does not object, so the caller must not store what was buffered.
                raise _missing_file(self._field, "Invalid multipart body")
        if self._data:
            piece = bytes(self._data)
            self._data.clear()
            yield piece

    async def form_fields(self) -> dict[str, str]:
        """Every plain form field, reading the body to its end: call it after the file's
        chunks, so that fields sent after the file are included."""
        if self._parser is None:
            self._start()
        while await self._pump():
            pass
        return dict(self.fields)


def multipart_body(*fields: str, file_field: str = "file") -> dict[str, Any]:
    """The OpenAPI request body of a streamed upload (FastAPI cannot infer it)."""
    properties: dict[str, Any] = {file_field: {"type": "string", "format": "binary"}}
    properties.update({name: {"type": "string"} for name in fields})
    return {
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": properties, "required": [file_field],
            }}},
        }
    }


async def _photo_upload(request: Request) -> StreamedUpload:
    from dashboard.core.files import PHOTO_MAX_BYTES

    return StreamedUpload(request, max_bytes=PHOTO_MAX_BYTES)


PhotoUpload = Annotated[StreamedUpload, Depends(_photo_upload)]
