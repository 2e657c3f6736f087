"""Bulk imports (issue 15): a spreadsheet of one kind of record, previewed before anything
is written, then committed.

1. `create_import` checks the upload (type, size, encoding, a workbook that is not a zip
   bomb, a header matching the kind's template) before any row is read, keeps the file
   and queues `ValidateImport`.
2. The validation job reads the file as a stream and checks it batch by batch, set-based,
   with the section's rules and messages, writing nothing but the import's own rows:
   each created / updated / unchanged / error, with every error on its column.
3. `commit_import` queues `CommitImport` once (a second call changes nothing). The
   commit job checks each batch again inside the batch's transaction and writes it with
   multi-row INSERTs and one audit row per written record, tagged with the import's id;
   a row that became invalid since the preview is refused and reported, not forced.

Who may import what: `imports:run` to use imports at all, then the write permission of
the kind (staff every kind; a faculty member grades, and only for offerings they teach:
other rows are each refused). Staff see every import, anyone else their own.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError

from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.exports import MEDIA_TYPES, Export, check_format, export
from dashboard.core.files import CSV, MB, XLSX, UploadSource, accept_upload, file_store
from dashboard.core.pagination import PageRequest
from dashboard.core.queue import BULK_QUEUE, Job, queue_after_commit
from dashboard.core.roles import Permission
from dashboard.core.security import hash_password
from dashboard.schemas.imports import (
    ImportColumnOut,
    ImportDetailOut,
    ImportKindOut,
    ImportOut,
    ImportRowOut,
)
from dashboard.services.imports import files
from dashboard.services.imports.kinds import KINDS, Kind, kind_of
from dashboard.services.imports.rows import ImportContext, Row, dumps, fold
from dashboard.settings import get_settings

MAX_BYTES = 20 * MB
BATCH_ROWS = 2000
COMMIT_BATCH_ROWS = 2000
MODES = ("create", "upsert")
LABEL = "Import"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ValidateImport(Job):
    """The dry run of one import (jobs.imports.validate_import)."""

    import_id: int

    def job_id(self) -> str:
        return f"import-validate:{self.import_id}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CommitImport(Job):
    """The commit of one import (jobs.imports.commit_import)."""

    import_id: int

    def job_id(self) -> str:
        return f"import-commit:{self.import_id}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class SendImportInvitations(Job):
    """The invitation emails of the accounts one batch of an import created
    (jobs.imports.send_import_invitations): no secret, they point to the password reset."""

    queue = BULK_QUEUE

    import_id: int
    user_ids: tuple[int, ...]


def _db() -> Any:
    return connections.get("default")


async def plan_for_this_batch() -> None:
    """Inside a batch's transaction, before its lookups: they are planned for the batch's
    own keys and for the tables as they are now, and not compiled.

    The pool's connections keep their prepared statements, and after five runs
    PostgreSQL may keep one generic plan for a statement, planned without the values and
    with the sizes of the tables at that time. An import into an empty university planned
    the account lookup (`LOWER(email) = ANY($1) OR ...`) as a scan of an almost empty
    `users`, kept that plan while the import filled the table, and compared every user
    with every array element without hashing (a parameter array is not hashed; a
    constant one is): 2.2 s a batch once `users` held 50,000 rows, against 27 ms with a
    plan made for the batch's arrays.

    A batch's statements reach its rows through indexes in milliseconds, but on tables
    the import has just filled, before autovacuum has counted their rows, PostgreSQL
    prices them above `jit_above_cost` and compiles them first: 390 ms of JIT for a
    lookup that then ran in 5 ms.
    """
    await _db().execute_query(
        "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true)")


async def plan_writes_as_usual() -> None:
    """After a batch's lookups, before its writes: cached plans again. Each written row's
    foreign keys are checked by statements PostgreSQL prepares once; planned afresh for
    every row they cost a third of a grade's commit (9,540 against 6,934 rows per
    CPU-second)."""
    await _db().execute_query(
        "SELECT set_config('plan_cache_mode', reset_val, true) FROM pg_settings WHERE name = 'plan_cache_mode'")


# --- who sees which imports ----------------------------------------------------------------


def sees_every_import(actor: Actor) -> bool:
    """Staff (who may write students) and the system; anyone else sees their own."""
    return actor.is_system or actor.can(Permission.STUDENTS_WRITE)


def visible_imports_sql(actor: Actor) -> tuple[str, list[Any]]:
    """The WHERE clause (on `i`) of the imports this actor may see, and its parameter."""
    if sees_every_import(actor):
        return "true", []
    return "i.created_by_id = $1", [actor.user_id]


def _authorize_kind(actor: Actor, kind: Kind) -> None:
    authorize(actor, Permission.IMPORTS_RUN)
    authorize(actor, kind.permission)


# --- templates -------------------------------------------------------------------------------


def list_kinds(actor: Actor) -> list[ImportKindOut]:
    """The kinds this actor may import, each with its template's columns."""
    authorize(actor, Permission.IMPORTS_RUN)
    return [ImportKindOut(kind=k.name, label=k.label, key=k.key, needs_assessment=k.needs_assessment,
                          columns=[ImportColumnOut(name=c.name, required=c.required, description=c.description,
                                                   example=c.example, choices=list(c.choices))
                                   for c in k.columns])
            for k in KINDS.values() if actor.can(k.permission)]


def template(actor: Actor, *, kind: str, format: str | None = "csv") -> Export:
    """The kind's template: its header and an example row; the XLSX adds a sheet saying
    which columns are required and the allowed values of each."""
    spec = kind_of(kind)
    _authorize_kind(actor, spec)
    fmt = check_format(format)

    async def rows() -> AsyncIterator[Sequence[Sequence[Any]]]:
        yield [[c.example for c in spec.columns]]

    if fmt == "csv":
        return export("csv", basename=f"{spec.name}_template", header=spec.column_names(), rows=rows())
    return Export(filename=f"{spec.name}_template.xlsx", media_type=MEDIA_TYPES["xlsx"], body=_xlsx_template(spec))


async def _xlsx_template(spec: Kind) -> AsyncIterator[bytes]:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = spec.name[:31]
    sheet.append(spec.column_names())
    sheet.append([c.example for c in spec.columns])
    guide = workbook.create_sheet("columns")
    guide.append(["column", "required", "allowed values", "description"])
    for c in spec.columns:
        guide.append([c.name, "yes" if c.required else "no", ", ".join(c.choices), c.description])
    buffer = io.BytesIO()
    workbook.save(buffer)
    yield buffer.getvalue()


# --- uploading -------------------------------------------------------------------------------

_INSERT_IMPORT = """
INSERT INTO imports (kind, mode, status, file_key, file_name, file_format, columns, error_threshold, created_by_id)
VALUES ($1, $2, 'validating', $3, $4, $5, $6::jsonb, $7, $8) RETURNING id
"""


async def _spool(chunks: AsyncIterator[bytes], suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(prefix="import-", suffix=suffix, delete=False)  # noqa: SIM115 - closed below, removed by the caller
    try:
        async for chunk in chunks:
            handle.write(chunk)
    except BaseException:
        handle.close()
        os.unlink(handle.name)
        raise
    handle.close()
    return Path(handle.name)


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(MB):
            yield chunk


async def create_import(actor: Actor, *, kind: str, mode: str, upload: UploadSource,
                        error_threshold: float | None = None, assessment_id: int | None = None) -> ImportOut:
    """Checks the file completely before keeping it: a file that is not what its extension
    says, over 20 MB, a CSV that is not UTF-8, a workbook that is a zip bomb or a header
    that does not match the template is refused here (400/413) and nothing is kept."""
    spec = kind_of(kind)
    _authorize_kind(actor, spec)
    if mode not in MODES:
        raise InvalidState("mode must be create or upsert")
    if error_threshold is not None and not 0 <= error_threshold <= 1:
        raise InvalidState("error_threshold must be a share between 0 and 1")
    options: dict[str, Any] = {}
    if spec.needs_assessment:
        if assessment_id is None:
            raise InvalidState("assessment_id is required for a grades import")
        if not await _db().execute_query_dict("SELECT 1 FROM assessments WHERE id = $1", [assessment_id]):
            raise NotFound("Assessment not found")
        options["assessment_id"] = assessment_id
    accepted = await accept_upload(upload, kinds=(CSV, XLSX), max_bytes=MAX_BYTES)
    file_format = "xlsx" if accepted.kind is XLSX else "csv"
    try:
        path = await _spool(accepted.chunks, f".{file_format}")
    except InvalidState as exc:
        if file_format == "csv" and "UTF-8" in exc.message:
            raise InvalidState("The CSV file is not UTF-8 text (its encoding is unknown): save it as "
                               "\"CSV UTF-8\" and upload it again") from exc
        raise
    try:
        header = files.header_of(path, file_format)
        # An upsert may hold only the key and the columns it changes.
        required = spec.required() if mode == "create" else [spec.key]
        columns = files.check_header(header, columns=spec.column_names(), required=required)
        stored = await file_store().save(_file_chunks(path), folder="imports", suffix=f".{file_format}")
    finally:
        path.unlink(missing_ok=True)
    saved_columns = {"header": columns, "options": options}
    async with atomic():
        rows = await _db().execute_query_dict(_INSERT_IMPORT, [
            spec.name, mode, stored.key, accepted.filename, file_format, json.dumps(saved_columns),
            error_threshold, actor.user_id])
        import_id = rows[0]["id"]
        await queue_after_commit(ValidateImport(import_id=import_id))
    return await _import_out(import_id)


# --- reading ---------------------------------------------------------------------------------

_IMPORT_SELECT = """
SELECT i.id, i.kind, i.mode, i.status, i.file_name, i.file_format, i.columns,
       i.error_threshold::float8 AS error_threshold,
       i.created_by_id AS created_by, u.first_name || ' ' || u.last_name AS created_by_name, i.total_rows,
       i.rows_validated, i.rows_committed, i.created_count, i.updated_count, i.unchanged_count, i.error_count,
       i.committed_count, i.refused_count, i.message, i.created_at, i.validated_at, i.commit_requested_at,
       i.committed_at
FROM imports i LEFT JOIN users u ON u.id = i.created_by_id
"""


def _out(row: dict[str, Any]) -> ImportOut:
    row = dict(row)
    columns = row["columns"]
    if isinstance(columns, str):
        columns = json.loads(columns)
    row["columns"] = columns.get("header", [])
    return ImportOut.model_validate(row)


async def _import_out(import_id: int) -> ImportOut:
    rows = await _db().execute_query_dict(_IMPORT_SELECT + " WHERE i.id = $1", [import_id])
    return _out(rows[0])


async def _visible_import(actor: Actor, import_id: int) -> dict[str, Any]:
    clause, params = visible_imports_sql(actor)
    rows = await _db().execute_query_dict(
        _IMPORT_SELECT + f" WHERE i.id = ${len(params) + 1} AND {clause}", [*params, import_id])
    if not rows:
        raise NotFound("Import not found")
    return dict(rows[0])


async def list_imports(actor: Actor, *, page: PageRequest, kind: str | None = None) -> tuple[list[ImportOut], int]:
    """The history, newest first: staff every import, anyone else their own."""
    authorize(actor, Permission.IMPORTS_RUN)
    clause, params = visible_imports_sql(actor)
    if kind is not None:
        params = [*params, kind]
        clause += f" AND i.kind = ${len(params)}"
    total = (await _db().execute_query_dict(f"SELECT count(*) AS n FROM imports i WHERE {clause}", params))[0]["n"]
    rows = await _db().execute_query_dict(
        _IMPORT_SELECT + f" WHERE {clause} ORDER BY i.created_at DESC, i.id DESC "
        f"LIMIT ${len(params) + 1} OFFSET ${len(params) + 2}", [*params, page.page_size, page.offset])
    return [_out(r) for r in rows], total


_ROWS_SELECT = """
SELECT row_number, natural_key, outcome, COALESCE(errors, '[]'::jsonb) AS errors, commit_outcome,
       COALESCE(commit_errors, '[]'::jsonb) AS commit_errors, entity_type, entity_id, audit_log_id
FROM import_rows WHERE import_id = $1 {filter}
ORDER BY row_number LIMIT $2 OFFSET $3
"""
ROW_FILTERS = ("all", "errors", "changed")


def _row_out(row: dict[str, Any]) -> ImportRowOut:
    row = dict(row)
    for name in ("errors", "commit_errors"):
        if isinstance(row[name], str):
            row[name] = json.loads(row[name])
    return ImportRowOut.model_validate(row)


async def get_import(actor: Actor, *, import_id: int, page: PageRequest, rows: str = "all") -> ImportDetailOut:
    """Progress, totals and a page of rows: all, only errors, or only what the commit
    changed (created or updated records, with their audit rows)."""
    authorize(actor, Permission.IMPORTS_RUN)
    record = await _visible_import(actor, import_id)
    if rows not in ROW_FILTERS:
        raise InvalidState("rows must be all, errors or changed")
    where = {"all": "", "errors": "AND (outcome = 'error' OR commit_outcome = 'refused')",
             "changed": "AND commit_outcome IN ('created', 'updated')"}[rows]
    total = (await _db().execute_query_dict(
        f"SELECT count(*) AS n FROM import_rows WHERE import_id = $1 {where}", [import_id]))[0]["n"]
    items = await _db().execute_query_dict(_ROWS_SELECT.format(filter=where),
                                           [import_id, page.page_size, page.offset])
    out = _out(record)
    return ImportDetailOut(**out.model_dump(), items=[_row_out(r) for r in items], items_total=total,
                           page=page.page, page_size=page.page_size)


# --- the error file -----------------------------------------------------------------------


async def _local_copy(key: str, suffix: str) -> Path:
    return await _spool(await file_store().open(key), suffix)


async def error_file(actor: Actor, *, import_id: int) -> Export:
    """The uploaded file as it was, every row with an `errors` column added (empty for a
    valid row), in the file's own format. Uploading it again ignores that column."""
    authorize(actor, Permission.IMPORTS_RUN)
    record = await _visible_import(actor, import_id)
    if record["status"] in ("validating", "failed"):
        raise InvalidState("The import has no preview to download")
    raw = await _db().execute_query_dict("SELECT file_key FROM imports WHERE id = $1", [import_id])
    fmt = record["file_format"]
    path = await _local_copy(raw[0]["file_key"], f".{fmt}")
    errors = {r["row_number"]: r["errors"] for r in await _db().execute_query_dict(
        "SELECT row_number, errors FROM import_rows WHERE import_id = $1 AND outcome = 'error'", [import_id])}
    lines = files.raw_rows(path, fmt)
    header = next(lines, None) or []
    width = len(header)
    keep = [i for i, name in enumerate(header) if (name or "").strip().lower() != files.ERROR_COLUMN]

    async def chunks() -> AsyncIterator[Sequence[Sequence[Any]]]:
        try:
            batch: list[list[Any]] = []
            for number, cells in enumerate(lines, start=2):
                cells = (list(cells) + [None] * width)[:width]
                batch.append([cells[i] for i in keep] + [_error_text(errors.get(number))])
                if len(batch) >= 1000:
                    yield batch
                    batch = []
            if batch:
                yield batch
        finally:
            path.unlink(missing_ok=True)

    head = [header[i] or "" for i in keep] + [files.ERROR_COLUMN]
    name = f"import_{import_id}_errors"
    return export(fmt, basename=name, header=head, rows=chunks(), sheet_title="errors")


def _error_text(errors: Any) -> str:
    if not errors:
        return ""
    if isinstance(errors, str):
        errors = json.loads(errors)
    return "; ".join(f"{e['column']}: {e['message']}" if e["column"] else e["message"] for e in errors)


# --- the dry run (the validation job) --------------------------------------------------------

_INSERT_ROWS = """
INSERT INTO import_rows (import_id, row_number, natural_key, outcome, errors, payload, target_id)
SELECT $1, n, k, o, e::jsonb, p::jsonb, t
FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[]) AS x(n, k, o, e, p, t)
"""
_PROGRESS = """
UPDATE imports SET rows_validated = rows_validated + $2, created_count = created_count + $3,
       updated_count = updated_count + $4, unchanged_count = unchanged_count + $5, error_count = error_count + $6
WHERE id = $1
"""


def _batches(source: Iterator[tuple[int, dict[str, str]]], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for number, values in source:
        batch.append(Row(number=number, raw=values))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def _load(import_id: int) -> dict[str, Any]:
    rows = await _db().execute_query_dict("SELECT * FROM imports WHERE id = $1", [import_id])
    if not rows:
        raise NotFound("Import not found")
    record = dict(rows[0])
    if isinstance(record["columns"], str):
        record["columns"] = json.loads(record["columns"])
    return record


async def _actor_of(user_id: int | None) -> Actor:
    from dashboard.services.auth import load_actor

    return Actor.system() if user_id is None else await load_actor(user_id)


async def _fail(import_id: int, message: str) -> None:
    async with atomic():
        await _db().execute_query("DELETE FROM import_rows WHERE import_id = $1", [import_id])
        await _db().execute_query(
            "UPDATE imports SET status = 'failed', message = $2, rows_validated = 0, created_count = 0, "
            "updated_count = 0, unchanged_count = 0, error_count = 0, total_rows = 0 WHERE id = $1",
            [import_id, message[:2000]])


async def validate_import(actor: Actor, *, import_id: int) -> str:
    """The dry run: every row checked, nothing written but the import's own rows. A run
    that is repeated (a retried job) starts the import's rows over."""
    if not actor.is_system:
        raise InvalidState("Only the worker validates imports")
    record = await _load(import_id)
    if record["status"] != "validating":
        return "skipped"
    spec = kind_of(record["kind"])
    await _db().execute_query("DELETE FROM import_rows WHERE import_id = $1", [import_id])
    await _db().execute_query(
        "UPDATE imports SET rows_validated = 0, created_count = 0, updated_count = 0, unchanged_count = 0, "
        "error_count = 0 WHERE id = $1", [import_id])
    try:
        runner = await _actor_of(record["created_by_id"])
        ctx = ImportContext(actor=runner, import_id=import_id, mode=record["mode"],
                            options=record["columns"].get("options", {}))
        await spec.prepare(ctx)
        path = await _local_copy(record["file_key"], f".{record['file_format']}")
    except InvalidState as exc:
        await _fail(import_id, exc.message)
        return "failed"
    except NotFound as exc:
        await _fail(import_id, exc.message)
        return "failed"
    try:
        header = record["columns"]["header"]
        total = 0
        for batch in _batches(files.data_rows(path, record["file_format"], header), BATCH_ROWS):
            async with atomic():
                await plan_for_this_batch()
                await spec.check(ctx, batch)
                await plan_writes_as_usual()
                await _store_preview(import_id, spec, batch)
            total += len(batch)
    except InvalidState as exc:
        await _fail(import_id, exc.message)
        return "failed"
    finally:
        path.unlink(missing_ok=True)
    if total == 0:
        await _fail(import_id, "The file has no data rows")
        return "failed"
    await _db().execute_query(
        "UPDATE imports SET status = 'validated', total_rows = $2, validated_at = now() WHERE id = $1",
        [import_id, total])
    return "validated"


async def _store_preview(import_id: int, spec: Kind, batch: Sequence[Row]) -> None:
    counts = {o: sum(1 for r in batch if r.outcome == o) for o in ("created", "updated", "unchanged", "error")}
    async with atomic():
        await _db().execute_query(_INSERT_ROWS, [
            import_id, [r.number for r in batch], [(spec.key_of(r) or "")[:255] or None for r in batch],
            [r.outcome for r in batch], [dumps(r.errors) if r.errors else None for r in batch],
            [dumps({"raw": r.raw, "version": r.version}) if r.outcome != "error" else None for r in batch],
            [r.target_id for r in batch]])
        await _db().execute_query(_PROGRESS, [import_id, len(batch), counts["created"], counts["updated"],
                                              counts["unchanged"], counts["error"]])


# --- committing --------------------------------------------------------------------------


def error_share_allowed(record: dict[str, Any]) -> float:
    threshold = record.get("error_threshold")
    return float(threshold) if threshold is not None else get_settings().import_error_threshold


async def commit_import(actor: Actor, *, import_id: int) -> ImportOut:
    """Queues the commit of a validated import, once: committing again (or while it runs)
    changes nothing and answers the import as it stands. Refused while it is being
    validated (409), when it failed, or when its errors exceed the allowed share (400)."""
    authorize(actor, Permission.IMPORTS_RUN)
    record = await _visible_import(actor, import_id)
    _authorize_kind(actor, kind_of(record["kind"]))
    if record["status"] in ("committing", "committed"):
        return _out(record)
    if record["status"] == "validating":
        raise Conflict("The import is still being validated")
    if record["status"] == "failed":
        raise InvalidState(f"The import failed and cannot be committed: {record['message']}")
    share = record["error_count"] / record["total_rows"] if record["total_rows"] else 1.0
    allowed = error_share_allowed(record)
    if share > allowed:
        raise InvalidState(f"{record['error_count']} of {record['total_rows']} rows have errors ({share:.0%}), "
                           f"more than the {allowed:.0%} allowed: fix the file and upload it again")
    async with atomic():
        changed = await _db().execute_query_dict(
            "UPDATE imports SET status = 'committing', commit_requested_at = now(), committed_by_id = $2 "
            "WHERE id = $1 AND status = 'validated' RETURNING id", [import_id, actor.user_id])
        if changed:
            await queue_after_commit(CommitImport(import_id=import_id))
    return await _import_out(import_id)


# From the last row of the previous batch on (`row_number > $3`): the rows before it are
# written, and walking past them again would make each batch slower than the last.
_NEXT_BATCH = """
SELECT row_number, outcome, payload, target_id FROM import_rows
WHERE import_id = $1 AND row_number > $3 AND outcome <> 'error' AND commit_outcome IS NULL
ORDER BY row_number LIMIT $2
"""
_MARK_ROWS = """
UPDATE import_rows r SET commit_outcome = x.o, commit_errors = x.e::jsonb, entity_type = x.t, entity_id = x.i,
       audit_log_id = x.a
FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[]) AS x(n, o, e, t, i, a)
WHERE r.import_id = $1 AND r.row_number = x.n AND r.row_number BETWEEN $8 AND $9
"""
_COMMIT_PROGRESS = """
UPDATE imports SET rows_committed = rows_committed + $2, committed_count = committed_count + $3,
       refused_count = refused_count + $4 WHERE id = $1
"""
_CHANGED = "The record changed since the preview: upload the file again to see its effect"


async def commit_rows(actor: Actor, *, import_id: int) -> str:
    """The commit job: batch by batch, each in one transaction, rows checked again and
    written; a batch already written is never written again (a retried job goes on from
    where it stopped)."""
    if not actor.is_system:
        raise InvalidState("Only the worker commits imports")
    record = await _load(import_id)
    if record["status"] != "committing":
        return "skipped"
    spec = kind_of(record["kind"])
    runner = await _actor_of(record["committed_by_id"])
    options = record["columns"].get("options", {})
    # Imported accounts get a bcrypt hash of a secret nobody keeps: no password signs in
    # until the person sets one through the reset their invitation points to. One hash a
    # job, not one a row.
    invited_hash = await hash_password(secrets.token_urlsafe(32)) if spec.creates_accounts else ""
    # What every batch reads (programs by code, the assessment), loaded once; each batch
    # starts from a copy, so what one batch counts (seats taken) is not counted twice once
    # it is written.
    first = ImportContext(actor=runner, import_id=import_id, mode=record["mode"], options=options,
                          cache={"invited_hash": invited_hash})
    await spec.prepare(first)
    after = 0
    while True:
        pending = await _db().execute_query_dict(_NEXT_BATCH, [import_id, COMMIT_BATCH_ROWS, after])
        if not pending:
            break
        after = pending[-1]["row_number"]
        for attempt in range(3):
            ctx = ImportContext(actor=runner, import_id=import_id, mode=record["mode"], options=options,
                                cache=dict(first.cache))
            try:
                invited = await _commit_batch(ctx, spec, pending)
                break
            except IntegrityError:
                # Another writer took a key between this batch's check and its insert: the
                # next attempt's check sees it and refuses that row.
                if attempt == 2:
                    raise
        if invited:
            await queue_after_commit(SendImportInvitations(import_id=import_id, user_ids=tuple(invited)))
    await _db().execute_query("UPDATE imports SET status = 'committed', committed_at = now() WHERE id = $1",
                              [import_id])
    return "committed"


async def _commit_batch(ctx: ImportContext, spec: Kind, pending: Sequence[dict[str, Any]]) -> list[int]:
    rows: list[Row] = []
    preview: dict[int, dict[str, Any]] = {}
    for item in pending:
        payload = item["payload"] if isinstance(item["payload"], dict) else json.loads(item["payload"])
        rows.append(Row(number=item["row_number"], raw=payload["raw"]))
        preview[item["row_number"]] = {"outcome": item["outcome"], "version": payload.get("version"),
                                       "target_id": item["target_id"]}
    async with atomic():
        await plan_for_this_batch()
        await spec.prepare(ctx)
        await spec.check(ctx, rows)
        writable: list[Row] = []
        for row in rows:
            before = preview[row.number]
            if row.outcome == "error":
                continue
            if (row.outcome != before["outcome"] or row.target_id != before["target_id"]
                    or row.version != before["version"]):
                row.error(spec.key, _CHANGED)
            else:
                writable.append(row)
        for row in rows:
            if row.errors:
                row.outcome = "refused"
        await plan_writes_as_usual()
        await spec.write(ctx, [r for r in writable if r.outcome in ("created", "updated")])
        await _db().execute_query(_MARK_ROWS, [
            ctx.import_id, [r.number for r in rows], [r.outcome for r in rows],
            [dumps(r.errors) if r.errors else None for r in rows],
            [spec.entity_type if r.entity_id is not None else None for r in rows],
            [r.entity_id for r in rows], [r.audit_id for r in rows],
            # The batch's range, so that only its rows are read, not every row of the import.
            min(r.number for r in rows), max(r.number for r in rows)])
        written = sum(1 for r in rows if r.outcome in ("created", "updated"))
        refused = sum(1 for r in rows if r.outcome == "refused")
        await _db().execute_query(_COMMIT_PROGRESS, [ctx.import_id, len(rows), written, refused])
    return list(ctx.cache.get("invite_user_ids", []))


# --- invitations -----------------------------------------------------------------------------

_INVITEES = """
SELECT id, email, first_name FROM users WHERE id = ANY($1::int[]) AND is_active AND NOT is_verified
ORDER BY id
"""


@dataclasses.dataclass(frozen=True, slots=True)
class Invitee:
    user_id: int
    email: str
    first_name: str


async def invitees(actor: Actor, *, user_ids: Sequence[int]) -> list[Invitee]:
    """The accounts of an import batch still waiting to be taken up."""
    if not actor.is_system:
        raise InvalidState("Only the worker sends invitations")
    rows = await _db().execute_query_dict(_INVITEES, [list(user_ids)])
    return [Invitee(r["id"], r["email"], r["first_name"]) for r in rows]


# How long a sent invitation is remembered, so that a retried job does not send it again.
INVITED_SECONDS = 30 * 24 * 3600


def _invited_key(import_id: int, user_id: int) -> str:
    return f"import-invited:{import_id}:{user_id}"


async def already_invited(*, import_id: int, user_id: int) -> bool:
    from dashboard.core import cache

    return bool(await cache.redis().exists(_invited_key(import_id, user_id)))


async def mark_invited(*, import_id: int, user_id: int) -> None:
    from dashboard.core import cache

    await cache.redis().set(_invited_key(import_id, user_id), 1, ex=INVITED_SECONDS)


def csv_text(rows: Sequence[Sequence[str]]) -> bytes:
    """A small CSV file (tests and the bench build their files with it)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


__all__ = ["KINDS", "CommitImport", "SendImportInvitations", "ValidateImport", "fold"]
