"""Panel screen for the document library: the documents the signed-in user may see
(the documents service decides: their own, public ones, internal ones for faculty, all
for admin and staff), searched by title, description or file name and filtered by type
and access level; upload (one's own, or for staff on behalf of another user), download and,
for staff, delete.

The access level of every row is shown as what it means (private: the owner and staff;
internal: staff and faculty; public: everyone signed in), since that is what the person
filing a document has to get right. The upload goes through `upload_document`, which
checks the type (extension, declared type and content) and the size before keeping
anything; a refusal is shown on the form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response, StreamingResponse
from tortoise.expressions import Q

from admin_views.adapters import user_service
from admin_views.enrollments import actor_of, error_status, int_arg, menu_item, render, see_other
from admin_views.guard import require_admin_session
from admin_views.widgets import has_control_characters
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.files import SpooledUpload
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.documents import DocumentCreate, DocumentOut
from dashboard.services import documents as service
from models.enums import AccessLevel, DocumentType

MENU_ORDER = 860
router = APIRouter(dependencies=[Depends(require_admin_session)])
SCREEN = "documents"
PAGE_SIZE = 25
FORM_FIELDS = ("title", "document_type", "description", "access_level", "tags", "owner_user_id")
# Room for the multipart envelope and the form's other fields around the file.
_ENVELOPE_BYTES = 256 * 1024
ACCESS = {
    "private": ("Private", "The owner and staff", "ti ti-lock", "bg-red-lt"),
    "internal": ("Internal", "Staff and faculty", "ti ti-building", "bg-yellow-lt"),
    "public": ("Public", "Everyone signed in", "ti ti-world", "bg-green-lt"),
}
FIELD_LABELS = {"title": "Title", "document_type": "Type", "description": "Description", "access_level": "Access",
                "tags": "Tags", "owner_user_id": "Owner"}


def menu(actor: Actor) -> list[dict[str, str]]:
    return [menu_item(SCREEN, "Document library", "ti ti-files")] if actor.can(Permission.DOCUMENTS_READ) else []


def content_disposition(file_name: str) -> str:
    """As the API's download: an ASCII fallback name and the exact name in RFC 5987 form,
    so that any stored name arrives intact and harmless."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in file_name) or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def level_of(row: dict[str, Any]) -> str:
    """A row's access level; rows from before access levels count by is_public."""
    level = row.get("access_level")
    if level:
        return level.value if isinstance(level, AccessLevel) else str(level)
    return "public" if row.get("is_public") else "private"


async def _owners(actor: Actor, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await user_service.visible_users(actor).filter(id__in=sorted(ids)).values(
        "id", "first_name", "last_name", "email")
    return {r["id"]: f"{r['first_name']} {r['last_name']}" for r in rows}


async def _library(request: Request, actor: Actor, *, status_code: int = 200, error: str | None = None,
                   invalid: list[str] | None = None, form: dict[str, str] | None = None,
                   notice: str | None = None, upload: bool = False) -> Response:
    """The library page; `upload` says the error is the upload form's (shown in it, open)."""
    query = request.query_params
    q = (query.get("q") or "").strip()[:100]
    filters: dict[str, str] = {}
    if q and not has_control_characters(q):
        filters["q"] = q
    kind = query.get("document_type") or ""
    if kind in {t.value for t in DocumentType}:
        filters["document_type"] = kind
    level = query.get("access_level") or ""
    if level in ACCESS:
        filters["access_level"] = level
    page_num = int_arg(query.get("page"), high=100000) or 1
    page = await service.library_documents(
        actor, page=PageRequest(page=page_num, page_size=PAGE_SIZE), q=filters.get("q"),
        document_type=DocumentType(kind) if "document_type" in filters else None,
        access_level=AccessLevel(level) if "access_level" in filters else None)
    rows = [{**DocumentOut.model_validate(row).model_dump(), "level": level_of(row)} for row in page.items]
    owners = await _owners(actor, {r["owner_user_id"] for r in rows} | {r["uploaded_by"] for r in rows})
    return render(request, "documents/library.html", SCREEN, "Document library", status_code=status_code,
                  page=page, rows=rows, owners=owners, filters=filters, access=ACCESS, error=error, upload_error=upload,
                  invalid=invalid or [], form=form or {"access_level": "private", "document_type": "other"},
                  notice=notice or query.get("notice"), types=[t.value for t in DocumentType],
                  may_manage=actor.can(Permission.DOCUMENTS_MANAGE),
                  may_upload=actor.can(Permission.DOCUMENTS_UPLOAD), me=actor.user_id,
                  max_mb=service.max_upload_bytes() // (1024 * 1024),
                  page_url=lambda n: "?" + urlencode({**filters, "page": n}))


@router.get(f"/{SCREEN}/list", include_in_schema=False)
async def library_page(request: Request) -> Response:
    actor = actor_of(request, Permission.DOCUMENTS_READ)
    return await _library(request, actor)


def _form_error(exc: ValidationError) -> tuple[str, list[str]]:
    invalid = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
    message = "; ".join(f"{FIELD_LABELS.get(str(e['loc'][0]), 'Form') if e['loc'] else 'Form'}: "
                        f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
    return message, invalid


@router.post(f"/{SCREEN}/list", include_in_schema=False)
async def library_upload(request: Request) -> Response:
    actor = actor_of(request, Permission.DOCUMENTS_UPLOAD)
    limit = service.max_upload_bytes()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _ENVELOPE_BYTES:
        return await _library(request, actor, upload=True, status_code=413,
                              error=f"The file is larger than {limit // (1024 * 1024)} MB", invalid=["file"])
    data = await request.form(max_files=1, max_fields=len(FORM_FIELDS) + 2)
    try:
        form = {name: str(data.get(name) or "")[:10000] for name in FORM_FIELDS if not isinstance(data.get(name),
                                                                                                UploadFile)}
        file = data.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return await _library(request, actor, upload=True, status_code=400, error="Choose a file to upload",
                                  invalid=["file"], form=form)
        values = {name: value.strip() for name, value in form.items() if value.strip()}
        try:
            fields = DocumentCreate.model_validate(values)
        except ValidationError as exc:
            message, invalid = _form_error(exc)
            return await _library(request, actor, upload=True, status_code=400, error=message, invalid=invalid,
                                  form=form)

        async def read_form() -> DocumentCreate:
            return fields

        try:
            document = await service.upload_document(
                actor, upload=SpooledUpload(file, filename=file.filename, content_type=file.content_type),
                read_form=read_form)
        except DomainError as exc:
            return await _library(request, actor, upload=True, status_code=error_status(exc), error=exc.message,
                                  invalid=["file"] if exc.status_code in (400, 413) else ["owner_user_id"],
                                  form=form)
    finally:
        await data.close()
    level = ACCESS[level_of({"access_level": document.access_level, "is_public": document.is_public})][0]
    return see_other(request.app.admin_path + f"/{SCREEN}/list?" + urlencode(
        {"notice": f"“{document.title}” uploaded ({level.lower()})"}))


@router.get(f"/{SCREEN}/{{document_id}}/download", include_in_schema=False)
async def library_download(request: Request, document_id: str) -> Response:
    actor = actor_of(request, Permission.DOCUMENTS_READ)
    pk = int_arg(document_id)
    if pk is None:
        return await _library(request, actor, status_code=404, error="Document not found")
    try:
        file = await service.open_document(actor, document_id=pk)
    except DomainError as exc:
        return await _library(request, actor, status_code=error_status(exc), error=exc.message)
    return StreamingResponse(file.body, media_type=file.media_type, headers={
        "Content-Length": str(file.size), "Content-Disposition": content_disposition(file.file_name),
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@router.post(f"/{SCREEN}/{{document_id}}/delete", include_in_schema=False)
async def library_delete(request: Request, document_id: str) -> Response:
    actor = actor_of(request, Permission.DOCUMENTS_MANAGE)
    base = request.app.admin_path + f"/{SCREEN}/list?"
    pk = int_arg(document_id)
    try:
        if pk is None:
            return see_other(base + urlencode({"notice": "Document not found"}))
        document = await service.get_document(actor, document_id=pk)
        await service.delete_document(actor, document_id=pk)
    except DomainError as exc:
        return see_other(base + urlencode({"notice": exc.message}))
    return see_other(base + urlencode({"notice": f"“{document.title}” deleted"}))


@router.get(f"/{SCREEN}/owners", include_in_schema=False)
async def owner_search(request: Request) -> Response:
    """Users whose name or email matches, for staff filing a document for someone."""
    actor = actor_of(request, Permission.DOCUMENTS_MANAGE)
    text = (request.query_params.get("q") or "").strip()[:100]
    if not text or has_control_characters(text):
        return JSONResponse({"matches": []})
    query = user_service.visible_users(actor).filter(is_active=True)
    for word in text.split()[:5]:
        query = query.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    rows = await query.order_by("last_name", "first_name", "id").limit(10).values(
        "id", "first_name", "last_name", "email", "user_type")
    return JSONResponse({"matches": [{"id": r["id"], "label": f"{r['first_name']} {r['last_name']} <{r['email']}> · "
                                                               f"{getattr(r['user_type'], 'value', r['user_type'])}"}
                                     for r in rows]})
