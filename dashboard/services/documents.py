"""Documents: domain.md §3.16 with its RECs.

Anyone who may upload files their own documents; admin and staff may file one for another
user (`owner_user_id`). The upload is checked before any byte is kept (the extension, the
declared type and the content must name the same allowed kind, and the content is scanned
as it streams: see dashboard.core.files) and the 10 MB limit stops the reading at once.

Access levels, on every read (get, download, list, search): private = the owner and
admin/staff; internal = also faculty; public = everyone signed in. A document outside the
caller's reach is a 404, like one that does not exist. Deleting removes the row, and the
file only once that has committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.expressions import Q, RawSQL

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic, on_commit
from dashboard.core.errors import NotFound
from dashboard.core.files import DOCUMENTS, MB, UploadSource, accept_upload, file_store
from dashboard.core.pagination import Page, PageRequest, filter_conditions, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import get_or_404
from dashboard.schemas.documents import DocumentCreate
from dashboard.services.students import like_pattern
from dashboard.settings import get_settings
from models import Document, User
from models.constraints import DOCUMENT_SEARCH_TEXT, SEARCH_SEPARATOR
from models.enums import AccessLevel, DocumentType, UserType

DOCUMENT_FIELDS = ("id", "title", "description", "document_type", "file_name", "file_size", "mime_type", "user_id",
                   "uploaded_by_id", "related_entity_type", "related_entity_id", "is_public", "access_level",
                   "tags", "uploaded_at")
MAX_SEARCH_RESULTS = 100
# The searched columns as one text, an annotation searched with icontains.
DOCUMENT_SEARCH = RawSQL(f"({DOCUMENT_SEARCH_TEXT})")
# The search as one statement written out here (the ORM compiled it on every request,
# most of the search's CPU): the expression migration 5's trigram index holds, searched
# as Tortoise's icontains searches it, with the same columns.
_SEARCH_MATCH = f"UPPER(CAST(({DOCUMENT_SEARCH_TEXT}) AS VARCHAR)) LIKE UPPER($1) ESCAPE '\\'"
_SEARCH_COLUMNS = ", ".join(DOCUMENT_FIELDS)


def _level(level: AccessLevel) -> Q:
    """Rows at this level; rows from before access levels were kept count by is_public."""
    if level is AccessLevel.INTERNAL:
        return Q(access_level=level)
    return Q(access_level=level) | Q(access_level__isnull=True, is_public=level is AccessLevel.PUBLIC)


def visible_documents(actor: Actor) -> Any:
    if actor.can(Permission.DOCUMENTS_MANAGE):
        return Document.all()
    reach = Q(user_id=actor.user_id) | _level(AccessLevel.PUBLIC)
    if actor.role is UserType.FACULTY:
        reach |= _level(AccessLevel.INTERNAL)
    return Document.filter(reach)


def _reach_sql(actor: Actor, params: list[Any]) -> str | None:
    """`visible_documents` as a SQL condition (its parameter appended to `params`), for
    the search's hand-written statement; None when the actor sees every document."""
    if actor.can(Permission.DOCUMENTS_MANAGE):
        return None
    params.append(actor.user_id)
    levels = "'public', 'internal'" if actor.role is UserType.FACULTY else "'public'"
    return (f"(user_id = ${len(params)} OR access_level IN ({levels}) "
            "OR (access_level IS NULL AND is_public))")


def max_upload_bytes() -> int:
    return get_settings().document_max_mb * MB


async def upload_document(actor: Actor, *, upload: UploadSource,
                          read_form: Callable[[], Awaitable[DocumentCreate]]) -> Document:
    """`read_form` gives the form's other fields once the file has been read (a client may
    send them after it). A refusal at any step leaves no file and no row."""
    authorize(actor, Permission.DOCUMENTS_UPLOAD)
    accepted = await accept_upload(upload, kinds=DOCUMENTS, max_bytes=max_upload_bytes())
    store = file_store()
    stored = await store.save(accepted.chunks, folder="documents", suffix=accepted.kind.suffix,
                              name_prefix=str(actor.user_id))
    try:
        data = await read_form()
        owner_id = data.owner_user_id or actor.user_id
        if owner_id != actor.user_id:
            authorize(actor, Permission.DOCUMENTS_MANAGE)
            if not await User.filter(id=owner_id).exists():
                raise NotFound("User not found")
        async with atomic():
            document = await Document.create(
                user_id=owner_id, title=data.title, description=data.description,
                document_type=data.document_type, file_path=stored.key,
                file_name=accepted.filename or stored.key.rsplit("/", 1)[-1],
                file_size=stored.size, mime_type=accepted.kind.mime_type, uploaded_by_id=actor.user_id,
                related_entity_type=data.related_entity_type, related_entity_id=data.related_entity_id,
                is_public=bool(data.is_public), access_level=data.access_level, tags=data.tags,
            )
            # The store's key stays out of the audit trail, as out of every response.
            await audit.record(actor, "create", document, after=_public(audit.snapshot(document)))
    except BaseException:
        await store.delete(stored.key)
        raise
    return document


def _public(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snapshot.items() if k != "file_path"}


async def get_document(actor: Actor, *, document_id: int) -> Document:
    authorize(actor, Permission.DOCUMENTS_READ)
    return await get_or_404(visible_documents(actor), document_id, label="Document")


def _filtered(actor: Actor, *, user_id: int | None, document_type: DocumentType | None,
              is_public: bool | None) -> Any:
    query = visible_documents(actor)
    if user_id is not None:
        query = query.filter(user_id=user_id)
    if document_type is not None:
        query = query.filter(document_type=document_type)
    if is_public is not None:
        query = query.filter(is_public=is_public)
    return query


async def list_documents(actor: Actor, *, page: PageRequest, user_id: int | None = None,
                         document_type: DocumentType | None = None, is_public: bool | None = None) -> Page[dict]:
    authorize(actor, Permission.DOCUMENTS_READ)
    query = _filtered(actor, user_id=user_id, document_type=document_type, is_public=is_public)
    return await paginate_values(query.order_by("-uploaded_at", "-id"), page, *DOCUMENT_FIELDS)


async def search_documents(actor: Actor, *, q: str, limit: int = 20, page: int = 1, user_id: int | None = None,
                           document_type: DocumentType | None = None) -> list[dict]:
    """Title, description or file name containing `q` (case-insensitive), newest first.
    The three columns are searched as one text (models.constraints.DOCUMENT_SEARCH_TEXT,
    whose icontains expression is what migration 5's trigram index holds), so the planner
    can take that index for a rare term or walk the upload-time index for a common one."""
    authorize(actor, Permission.DOCUMENTS_READ)
    if SEARCH_SEPARATOR in q:
        # The search text's separator could match across two columns: column by column.
        query = _filtered(actor, user_id=user_id, document_type=document_type, is_public=None)
        query = query.filter(Q(title__icontains=q) | Q(description__icontains=q) | Q(file_name__icontains=q))
        return await (query.order_by("-uploaded_at", "-id").offset((page - 1) * limit).limit(limit)
                      .values(*DOCUMENT_FIELDS))
    params: list[Any] = [like_pattern(q)]
    conditions = [_SEARCH_MATCH, *filter_conditions({"user_id": user_id, "document_type": document_type}, params)]
    reach = _reach_sql(actor, params)
    if reach:
        conditions.append(reach)
    params += [limit, (page - 1) * limit]
    return await connections.get("default").execute_query_dict(
        f"SELECT {_SEARCH_COLUMNS} FROM documents WHERE {' AND '.join(conditions)} "
        f"ORDER BY uploaded_at DESC, id DESC LIMIT ${len(params) - 1} OFFSET ${len(params)}", params)


@dataclass(frozen=True, slots=True)
class DocumentFile:
    media_type: str
    size: int
    file_name: str
    body: AsyncIterator[bytes]


async def open_document(actor: Actor, *, document_id: int) -> DocumentFile:
    document = await get_document(actor, document_id=document_id)
    store = file_store()
    size = await store.size(document.file_path)
    if size is None:
        raise NotFound("The document's file is missing")
    return DocumentFile(media_type=document.mime_type or "application/octet-stream", size=size,
                        file_name=document.file_name, body=await store.open(document.file_path))


async def delete_document(actor: Actor, *, document_id: int) -> None:
    authorize(actor, Permission.DOCUMENTS_MANAGE)
    store = file_store()
    async with atomic():
        document = await get_or_404(Document, document_id, label="Document", for_update=True)
        key = document.file_path
        await audit.record(actor, "delete", document, before=_public(audit.snapshot(document)))
        await document.delete()

        async def _remove_file() -> None:
            await store.delete(key)

        await on_commit(_remove_file)


async def library_documents(actor: Actor, *, page: PageRequest, q: str | None = None,
                            document_type: DocumentType | None = None, access_level: AccessLevel | None = None,
                            user_id: int | None = None) -> Page[dict]:
    """The document library's page (the admin panel): what the actor may see, optionally
    matching `q` in title, description or file name and at one access level, newest
    first, with the total for paging."""
    authorize(actor, Permission.DOCUMENTS_READ)
    query = _filtered(actor, user_id=user_id, document_type=document_type, is_public=None)
    if q:
        query = query.filter(Q(title__icontains=q) | Q(description__icontains=q) | Q(file_name__icontains=q))
    if access_level is not None:
        query = query.filter(_level(access_level))
    return await paginate_values(query.order_by("-uploaded_at", "-id"), page, *DOCUMENT_FIELDS)
