"""/api/v1/documents: uploading, finding, downloading and deleting documents, with their
access levels (domain.md §3.16)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from api.uploads import StreamedUpload, multipart_body
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.documents import DocumentCreate, DocumentOut
from dashboard.schemas.fields import MAX_INT
from dashboard.services import documents as service
from models.enums import DocumentType

router = ResourceRouter(prefix="/documents", tags=["Documents"], responses=error_responses(401, 403, 422))

DocumentId = Annotated[int, Path(ge=1, le=MAX_INT, description="Document id")]
_FORM_FIELDS = ("title", "document_type", "description", "related_entity_type", "related_entity_id", "is_public",
                "access_level", "tags", "owner_user_id")
_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file, with its stored type and original name",
          "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
}


async def _document_upload(request: Request) -> StreamedUpload:
    return StreamedUpload(request, max_bytes=service.max_upload_bytes())


DocumentUpload = Annotated[StreamedUpload, Depends(_document_upload)]


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 5987 form, so any
    name (quotes, semicolons, non-Latin letters, line breaks) arrives intact and harmless."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in file_name) or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def _form(upload: StreamedUpload) -> Any:
    async def read() -> DocumentCreate:
        fields = await upload.form_fields()
        try:
            return DocumentCreate.model_validate(fields)
        except ValidationError as exc:
            raise RequestValidationError([{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]) \
                from exc

    return read


@router.get(
    "/search", response_model=list[DocumentOut], openapi_extra=requires(Permission.DOCUMENTS_READ),
    summary="Search documents",
    description="Any signed-in user: documents whose title, description or file name contains `q`, newest first, "
    "among those the caller may see (their own, public ones, internal ones for faculty; all for admin and staff). "
    "Changes nothing.",
)
async def search_documents(
    actor: CurrentActor,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Text matched in title, description, file name")],
    limit: Annotated[int, Query(ge=1, le=service.MAX_SEARCH_RESULTS, description="Max results (1-100)")] = 20,
    page: Annotated[int, Query(ge=1, le=10000, description="Which `limit`-sized page of results")] = 1,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by owner's user id")] = None,
    document_type: Annotated[DocumentType | None, Query(description="Filter by document type")] = None,
) -> Any:
    return await service.search_documents(actor, q=q, limit=limit, page=page, user_id=user_id,
                                          document_type=document_type)


@router.post(
    "/upload", status_code=201, response_model=DocumentOut, responses=error_responses(400, 404, 413),
    openapi_extra=requires(Permission.DOCUMENTS_UPLOAD) | multipart_body(*_FORM_FIELDS),
    summary="Upload a document",
    description="Anyone but parents, for themselves; admin and staff may file it for another user "
    "(`owner_user_id`). PDF, JPEG, PNG, WebP, DOC, DOCX, XLS, XLSX, TXT or CSV up to 10 MB: the extension, the "
    "declared type and the content must agree (400), a larger file is refused as it arrives (413), and nothing "
    "is kept from a refused upload. `tags` is a JSON array or comma-separated text; `access_level` private "
    "(default), internal or public.",
)
async def upload_document(actor: CurrentActor, upload: DocumentUpload) -> Any:
    return await service.upload_document(actor, upload=upload, read_form=_form(upload))


@router.get(
    "", response_model=PageOut[DocumentOut], openapi_extra=requires(Permission.DOCUMENTS_READ),
    summary="List documents",
    description="Any signed-in user, paginated, newest first, among the documents the caller may see (their own, "
    "public ones, internal ones for faculty; all for admin and staff). Changes nothing.",
)
async def list_documents(
    actor: CurrentActor,
    page: PageParams,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by owner's user id")] = None,
    document_type: Annotated[DocumentType | None, Query(description="Filter by document type")] = None,
    is_public: Annotated[bool | None, Query(description="Filter by public (true) or not (false)")] = None,
) -> Any:
    result = await service.list_documents(actor, page=page, user_id=user_id, document_type=document_type,
                                          is_public=is_public)
    return PageOut[DocumentOut].of(result)


@router.get(
    "/{document_id}", response_model=DocumentOut, responses=error_responses(404),
    openapi_extra=requires(Permission.DOCUMENTS_READ), summary="Get a document's details",
    description="Its metadata (never where the file is kept), for whoever may see it; anyone else gets 404. "
    "Changes nothing.",
)
async def get_document(actor: CurrentActor, document_id: DocumentId) -> Any:
    document = await service.get_document(actor, document_id=document_id)
    return {name: getattr(document, name) for name in service.DOCUMENT_FIELDS}


@router.get(
    "/{document_id}/download", response_class=StreamingResponse, responses=_FILE_RESPONSES | error_responses(404),
    openapi_extra=requires(Permission.DOCUMENTS_READ), summary="Download a document",
    description="The file, streamed with its stored type and original name, for whoever may see it (else 404; "
    "404 too when the file itself is missing). Changes nothing.",
)
async def download_document(actor: CurrentActor, document_id: DocumentId) -> StreamingResponse:
    file = await service.open_document(actor, document_id=document_id)
    return StreamingResponse(file.body, media_type=file.media_type, headers={
        "Content-Length": str(file.size), "Content-Disposition": content_disposition(file.file_name),
        "Cache-Control": "private, no-cache",
    })


@router.delete(
    "/{document_id}", status_code=204, response_class=Response, responses=error_responses(404),
    openapi_extra=requires(Permission.DOCUMENTS_MANAGE), summary="Delete a document",
    description="Admin and staff. Deletes the record, then its file once that has committed.",
)
async def delete_document(actor: CurrentActor, document_id: DocumentId) -> Response:
    await service.delete_document(actor, document_id=document_id)
    return Response(status_code=204)
