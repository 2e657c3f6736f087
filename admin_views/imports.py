"""The Import screen: pick a kind, download its template, upload a file, watch the dry
run, read the preview (counts, the first errors inline, only the errors), fix and upload
again, confirm, watch the commit, see what it changed; and the history of imports with
who ran them. Everything goes through dashboard.services.imports as the signed-in user."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response, StreamingResponse

from admin_views.screens import Screen, actor_for, redirect, render
from dashboard.core.errors import DomainError, NotFound
from dashboard.core.files import SpooledUpload
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.services import imports as service

IMPORT = Screen("imports", "Import", "ti ti-file-upload", Permission.IMPORTS_RUN)
SCREENS = (IMPORT,)
# With the accounts: loading records is an administrator's task.
MENU_ORDER = 950
HISTORY_SIZE = 20
ROWS_PER_PAGE = 50
router = APIRouter(include_in_schema=False)


async def _start_page(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    actor = actor_for(request, IMPORT.permission)
    page = max(1, min(int(request.query_params.get("page_num", "1") or 1) if
                      request.query_params.get("page_num", "1").isdigit() else 1, 10000))
    history, total = await service.list_imports(actor, page=PageRequest(page=page, page_size=HISTORY_SIZE))
    kinds = service.list_kinds(actor)
    chosen = request.query_params.get("kind") or (kinds[0].kind if kinds else "")
    return render(request, "imports/start.html", IMPORT, status_code=status_code, kinds=kinds, chosen=chosen,
                  history=history, total=total, page_num=page, total_pages=-(-total // HISTORY_SIZE),
                  error=error)


@router.get("/imports/list")
async def start(request: Request) -> Response:
    return await _start_page(request)


@router.get("/imports/templates/{kind}")
async def download_template(request: Request, kind: str) -> Response:
    actor = actor_for(request, IMPORT.permission)
    try:
        result = service.template(actor, kind=kind, format=request.query_params.get("format", "csv"))
    except DomainError as exc:
        return await _start_page(request, error=exc.message, status_code=exc.status_code)
    return StreamingResponse(result.body, media_type=result.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{result.filename}"'})


def _number(raw: object, *, whole: bool) -> float | int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        value = int(text) if whole else float(text) / 100
    except ValueError as exc:
        raise ValueError(text) from exc
    return value


@router.post("/imports/upload")
async def upload(request: Request) -> Response:
    actor = actor_for(request, IMPORT.permission)
    async with request.form(max_files=1) as form:
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return await _start_page(request, error="Choose a CSV or XLSX file to upload", status_code=422)
        try:
            threshold = _number(form.get("error_threshold_percent"), whole=False)
            assessment_id = _number(form.get("assessment_id"), whole=True)
        except ValueError:
            return await _start_page(request, error="The error share and the assessment id are numbers",
                                     status_code=422)
        try:
            created = await service.create_import(
                actor, kind=str(form.get("kind", "")), mode=str(form.get("mode", "create")),
                upload=SpooledUpload(file, filename=file.filename, content_type=file.content_type),
                error_threshold=threshold, assessment_id=assessment_id)  # type: ignore[arg-type]
        except DomainError as exc:
            return await _start_page(request, error=exc.message, status_code=exc.status_code)
    return redirect(request, f"imports/{created.id}")


@router.get("/imports/{import_id:int}")
async def detail(request: Request, import_id: int) -> Response:
    actor = actor_for(request, IMPORT.permission)
    rows = request.query_params.get("rows", "all")
    rows = rows if rows in service.ROW_FILTERS else "all"
    raw_page = request.query_params.get("page_num", "1")
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10000 else 1
    try:
        view = await service.get_import(actor, import_id=import_id, page=PageRequest(page=page,
                                        page_size=ROWS_PER_PAGE), rows=rows)
    except NotFound:
        return await _start_page(request, error="Import not found", status_code=404)
    running = view.status in ("validating", "committing")
    share = view.error_count / view.total_rows if view.total_rows else 0
    allowed = service.error_share_allowed({"error_threshold": view.error_threshold})
    return render(request, "imports/detail.html", IMPORT, view=view, rows=rows, running=running,
                  share=share, allowed=allowed, page_num=page,
                  total_pages=-(-view.items_total // ROWS_PER_PAGE), error=request.query_params.get("error"),
                  notice=request.query_params.get("notice"),
                  page_title=f"Import #{view.id}: {view.kind.replace('_', ' ')}")


@router.post("/imports/{import_id:int}/commit")
async def commit(request: Request, import_id: int) -> Response:
    actor = actor_for(request, IMPORT.permission)
    try:
        await service.commit_import(actor, import_id=import_id)
    except DomainError as exc:
        return redirect(request, f"imports/{import_id}", error=exc.message)
    return redirect(request, f"imports/{import_id}", notice="Commit started")


@router.get("/imports/{import_id:int}/errors")
async def download_errors(request: Request, import_id: int) -> Response:
    actor = actor_for(request, IMPORT.permission)
    try:
        result = await service.error_file(actor, import_id=import_id)
    except DomainError as exc:
        return redirect(request, f"imports/{import_id}", error=exc.message)
    return StreamingResponse(result.body, media_type=result.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{result.filename}"'})
