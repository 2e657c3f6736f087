"""Structured JSON logs on stdout, one object per line."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

from dashboard.web.context import request_id


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "timestamp": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id(),
        }
        payload.update(getattr(record, "fields", {}))
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def _hide_sql_parameters(record: logging.LogRecord) -> bool:
    """The ORM's debug lines carry the values bound to each query (password hashes among
    them) and, when the pool opens, the connection parameters with the database password:
    keep the query, hide the values."""
    if isinstance(record.args, tuple) and len(record.args) > 1:
        record.args = (record.args[0], *("[hidden]" for _ in record.args[1:]))
    return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # One line per request comes from our middleware; uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
    for noisy in ("tortoise", "aerich", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Should someone raise the ORM's logger to DEBUG while chasing a query.
    sql_log = logging.getLogger("tortoise.db_client")
    if _hide_sql_parameters not in sql_log.filters:
        sql_log.addFilter(_hide_sql_parameters)
