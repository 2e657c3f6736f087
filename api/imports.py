"""/api/v1/imports: bulk imports of a spreadsheet, previewed before anything is written
(issue 15)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.responses import StreamingResponse

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from api.uploads import StreamedUpload, multipart_body
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.imports import (
    ImportDetailOut,
    ImportKindName,
    ImportKindOut,
    ImportMode,
    ImportOut,
    ImportRowFilter,
)
from dashboard.services import imports as service

router = ResourceRouter(prefix="/imports", tags=["Imports"], responses=error_responses(401, 403, 422))

ImportId = Annotated[int, Path(ge=1, le=MAX_INT, description="Import id")]
_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file (CSV or XLSX)",
          "content": {"text/csv": {"schema": {"type": "string"}},
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                          "schema": {"type": "string", "format": "binary"}}}},
}


async def _import_upload(request: Request) -> StreamedUpload:
    return StreamedUpload(request, max_bytes=service.MAX_BYTES)


ImportUpload = Annotated[StreamedUpload, Depends(_import_upload)]


def _file(result: Any) -> StreamingResponse:
    return StreamingResponse(result.body, media_type=result.media_type, headers={
        "Content-Disposition": f'attachment; filename="{result.filename}"', "Cache-Control": "no-store"})


@router.get(
    "/kinds", response_model=list[ImportKindOut], openapi_extra=requires(Permission.IMPORTS_RUN),
    summary="List import kinds",
    description="The kinds the caller may import (staff every kind, faculty grades), each with its template's "
    "columns: required or not, the allowed values of each enum, an example. Changes nothing.",
)
async def list_import_kinds(actor: CurrentActor) -> Any:
    return service.list_kinds(actor)


@router.get(
    "/templates/{kind}", response_class=StreamingResponse, responses=_FILE_RESPONSES | error_responses(400),
    openapi_extra=requires(Permission.IMPORTS_RUN), summary="Download an import template",
    description="The kind's template as CSV or XLSX: its header row and an example row (the XLSX adds a sheet "
    "of the columns, which are required, and their allowed values). A kind the caller may not import is a 403. "
    "Changes nothing.",
)
async def download_import_template(
    actor: CurrentActor, kind: Annotated[ImportKindName, Path(description="The import kind")],
    format: Annotated[str | None, Query(max_length=10, description="csv (default) or xlsx")] = "csv",
) -> StreamingResponse:
    return _file(service.template(actor, kind=kind.value, format=format))


@router.post(
    "", status_code=202, response_model=ImportOut, responses=error_responses(400, 404, 409, 413),
    openapi_extra=requires(Permission.IMPORTS_RUN) | multipart_body(),
    summary="Upload a file to import",
    description="Staff for every kind, faculty for grades. A CSV (UTF-8) or XLSX file of up to 20 MB and "
    "100,000 rows. The file is checked before any row is read (type, size, encoding, a workbook that is not a "
    "zip bomb, a header matching the template: 400/413 otherwise, nothing kept); then the import is validated "
    "by a worker without writing anything (the dry run): follow it with GET /imports/{id}. `assessment_id` is "
    "required for grades.",
)
async def create_import(
    actor: CurrentActor, upload: ImportUpload,
    kind: Annotated[ImportKindName, Query(description="What the file holds")],
    mode: Annotated[ImportMode, Query(description="create: refuse rows that exist; upsert: update them "
                                                  "(only the columns in the file)")] = ImportMode.CREATE,
    error_threshold: Annotated[float | None, Query(ge=0, le=1, description="The largest share of rows with "
                                                   "errors that may still be committed (default from settings)")]
    = None,
    assessment_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="The assessment whose grades "
                                               "the file holds (grades only)")] = None,
) -> Any:
    return await service.create_import(actor, kind=kind.value, mode=mode.value, upload=upload,
                                       error_threshold=error_threshold, assessment_id=assessment_id)


@router.get(
    "", response_model=PageOut[ImportOut], openapi_extra=requires(Permission.IMPORTS_RUN),
    summary="List imports",
    description="The history of imports, newest first, with who ran them: staff see every import, faculty "
    "their own. Changes nothing.",
)
async def list_imports(
    actor: CurrentActor, page: PageParams,
    kind: Annotated[ImportKindName | None, Query(description="Only imports of this kind")] = None,
) -> PageOut[ImportOut]:
    items, total = await service.list_imports(actor, page=page, kind=kind.value if kind else None)
    pages = -(-total // page.page_size) if total else 0
    return PageOut[ImportOut](items=items, total=total, page=page.page, page_size=page.page_size,
                              total_pages=pages)


@router.get(
    "/{import_id}", response_model=ImportDetailOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.IMPORTS_RUN), summary="Get an import: progress and preview",
    description="The import's status, progress and totals, with a page of its rows: each row's outcome at "
    "preview (created, updated, unchanged or error, with every error on its column) and after the commit "
    "(created, updated, unchanged or refused, with the record and the audit row written). Another "
    "person's import is a 404 for faculty. Changes nothing.",
)
async def get_import(
    actor: CurrentActor, import_id: ImportId, page: PageParams,
    rows: Annotated[ImportRowFilter, Query(description="all, errors (only rows with errors) or changed "
                                                       "(only rows the commit wrote)")] = ImportRowFilter.ALL,
) -> Any:
    return await service.get_import(actor, import_id=import_id, page=page, rows=rows.value)


@router.get(
    "/{import_id}/errors", response_class=StreamingResponse, responses=_FILE_RESPONSES | error_responses(400, 404),
    openapi_extra=requires(Permission.IMPORTS_RUN), summary="Download the file with its errors",
    description="The uploaded file as it was, in its own format, with an `errors` column added (empty for a "
    "valid row). Fix it and upload it again: that column is ignored. Changes nothing.",
)
async def download_import_errors(actor: CurrentActor, import_id: ImportId) -> StreamingResponse:
    return _file(await service.error_file(actor, import_id=import_id))


@router.post(
    "/{import_id}/commit", status_code=202, response_model=ImportOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.IMPORTS_RUN), summary="Commit an import",
    description="Whoever may import the kind. Writes, in a worker and in batches (each one transaction), the "
    "rows that were valid at preview; a row that became invalid since is refused and reported. Refused while "
    "the import is validated (409), when it failed or when its errors exceed the allowed share (400). "
    "Committing again does nothing more.",
)
async def commit_import(actor: CurrentActor, import_id: ImportId) -> Any:
    return await service.commit_import(actor, import_id=import_id)
