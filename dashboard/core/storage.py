"""The S3-compatible file store (`FILE_STORE=s3`): the same four methods as the local
store (dashboard.core.files.FileStore), on any service speaking the S3 protocol (AWS S3,
MinIO, Ceph RGW, ...), through aiobotocore.

An upload is streamed: up to one part (8 MB) it is buffered and written with one
PutObject; beyond that it becomes a multipart upload, part by part. Either way the object
exists only once the whole stream has arrived and passed its checks: a stream that raises
(a refused or oversized upload) aborts the multipart upload, or never writes the object, so
a refused upload leaves nothing in the bucket. Keys are the store's own
(`documents/12_<random>.pdf`, under `S3_PREFIX`), never a client's file name.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session
from botocore.exceptions import ClientError

from dashboard.core.errors import NotFound
from dashboard.core.files import CHUNK_SIZE, MB, StoredFile, check_key, new_key

# S3's smallest part but the last is 5 MB; 8 MB keeps a 10 MB document to two parts.
PART_SIZE = 8 * MB
_MISSING = {"404", "NoSuchKey", "NotFound"}


@dataclass(frozen=True, slots=True)
class S3Settings:
    bucket: str
    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    prefix: str = ""


def _missing(exc: ClientError) -> bool:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return str(error.get("Code")) in _MISSING or status == 404


class S3FileStore:
    def __init__(self, settings: S3Settings, *, session: AioSession | None = None) -> None:
        self.settings = settings
        self._session = session or get_session()
        self._config = AioConfig(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5,
                                 read_timeout=30, s3={"addressing_style": "path"})

    def _client(self) -> Any:
        s = self.settings
        return self._session.create_client(
            "s3", region_name=s.region, endpoint_url=s.endpoint_url, aws_access_key_id=s.access_key_id,
            aws_secret_access_key=s.secret_access_key, config=self._config)

    def _object(self, key: str) -> str:
        return self.settings.prefix + check_key(key)

    async def save(self, chunks: AsyncIterable[bytes], *, folder: str, suffix: str,
                   name_prefix: str = "") -> StoredFile:
        key = new_key(folder=folder, suffix=suffix, name_prefix=name_prefix)
        name = self._object(key)
        bucket = self.settings.bucket
        buffer = bytearray()
        size = 0
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        async with self._client() as client:
            try:
                async for chunk in chunks:
                    buffer.extend(chunk)
                    size += len(chunk)
                    while len(buffer) >= PART_SIZE:
                        if upload_id is None:
                            upload_id = (await client.create_multipart_upload(Bucket=bucket, Key=name))["UploadId"]
                        part, buffer = bytes(buffer[:PART_SIZE]), buffer[PART_SIZE:]
                        number = len(parts) + 1
                        sent = await client.upload_part(Bucket=bucket, Key=name, UploadId=upload_id,
                                                        PartNumber=number, Body=part)
                        parts.append({"PartNumber": number, "ETag": sent["ETag"]})
                if upload_id is None:
                    await client.put_object(Bucket=bucket, Key=name, Body=bytes(buffer))
                else:
                    if buffer:
                        number = len(parts) + 1
                        sent = await client.upload_part(Bucket=bucket, Key=name, UploadId=upload_id,
                                                        PartNumber=number, Body=bytes(buffer))
                        parts.append({"PartNumber": number, "ETag": sent["ETag"]})
                    await client.complete_multipart_upload(Bucket=bucket, Key=name, UploadId=upload_id,
                                                           MultipartUpload={"Parts": parts})
            except BaseException:
                if upload_id is not None:
                    with contextlib.suppress(Exception):
                        await client.abort_multipart_upload(Bucket=bucket, Key=name, UploadId=upload_id)
                raise
        return StoredFile(key=key, size=size)

    async def open(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        name = self._object(key)
        stack = contextlib.AsyncExitStack()
        client = await stack.enter_async_context(self._client())
        try:
            response = await client.get_object(Bucket=self.settings.bucket, Key=name)
        except ClientError as exc:
            await stack.aclose()
            if _missing(exc):
                raise NotFound("File not found") from exc
            raise
        except BaseException:
            await stack.aclose()
            raise
        return _read_body(stack, response["Body"], chunk_size)

    async def size(self, key: str) -> int | None:
        async with self._client() as client:
            try:
                head = await client.head_object(Bucket=self.settings.bucket, Key=self._object(key))
            except ClientError as exc:
                if _missing(exc):
                    return None
                raise
        return int(head["ContentLength"])

    async def delete(self, key: str) -> None:
        async with self._client() as client:
            await client.delete_object(Bucket=self.settings.bucket, Key=self._object(key))

    async def keys(self) -> list[str]:
        """Every key in the store (under the prefix): for checks and maintenance."""
        found: list[str] = []
        async with self._client() as client:
            paginator = client.get_paginator("list_objects_v2")
            async for page in paginator.paginate(Bucket=self.settings.bucket, Prefix=self.settings.prefix):
                found += [item["Key"].removeprefix(self.settings.prefix) for item in page.get("Contents", [])]
        return found

    async def pending_uploads(self) -> int:
        """Multipart uploads begun and neither completed nor aborted."""
        async with self._client() as client:
            listed = await client.list_multipart_uploads(Bucket=self.settings.bucket, Prefix=self.settings.prefix)
        return len(listed.get("Uploads", []))


async def _read_body(stack: contextlib.AsyncExitStack, body: Any, chunk_size: int) -> AsyncIterator[bytes]:
    try:
        while chunk := await body.read(chunk_size):
            yield chunk
    finally:
        body.close()
        await stack.aclose()
