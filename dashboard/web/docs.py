"""The API's documentation pages: Swagger UI at /docs and ReDoc at /redoc.

FastAPI's own pages load `@5`/`@2` builds from a CDN with no integrity hash, and a
favicon from a third party, so on a machine without internet /docs is blank. Here both
pages load the pinned npm files (swagger-ui-dist, redoc) through the same mechanism as
the admin panel's (dashboard/web/assets.py): served by the app from node_modules, or
the pinned CDN URL with its SRI hash when node_modules is missing.

ReDoc 2.x rather than 3.x: 3.x sends usage telemetry by default. A Content-Security-Policy
keeps both pages from reaching anything but this server and the pinned CDN (ReDoc's
sidebar would otherwise fetch its vendor's logo).
"""

from __future__ import annotations

import json
from functools import cache

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from dashboard.web.assets import (
    CDN_BASE,
    NODE_MODULES,
    STATIC_PREFIX,
    Asset,
    AssetStore,
    static_endpoint,
)

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"

ASSETS: dict[str, Asset] = {
    "swagger-ui.js": Asset(
        "swagger-ui-dist", "5.35.0", "swagger-ui-bundle.js",
        "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9", "js",
    ),
    "swagger-ui.css": Asset(
        "swagger-ui-dist", "5.35.0", "swagger-ui.css",
        "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I", "css",
    ),
    "swagger-ui.favicon": Asset(
        "swagger-ui-dist", "5.35.0", "favicon-32x32.png",
        "sha384-vCPruBEcPmxk2uv19KNJCkWttTDv8oQxBAzSuTndOepjsIyiKHSoLNlWOcQMpXdL", "icon",
    ),
    "redoc.js": Asset(
        "redoc", "2.5.4", "bundles/redoc.standalone.js",
        "sha384-w447zOpYfw/1Tv/5AK9NfHTlQIqE3RVR6KY62jCyy9zNDgO64cMwGGP1Fj0zJVf5", "js",
    ),
}

# Inline: the page's own start-up script and the styles both UIs inject at run time.
# blob: workers are ReDoc's search index; data: images are Swagger UI's icons.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' 'unsafe-inline' {CDN_BASE}/",
    f"style-src 'self' 'unsafe-inline' {CDN_BASE}/",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
])


@cache
def docs_store() -> AssetStore:
    return AssetStore(ASSETS, NODE_MODULES)


def _page(title: str, head: str, body: str) -> HTMLResponse:
    html = (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


def swagger_ui_page(store: AssetStore, *, title: str, openapi_url: str) -> HTMLResponse:
    config = {
        "url": openapi_url,
        "dom_id": "#swagger-ui",
        "layout": "BaseLayout",
        "deepLinking": True,
        "persistAuthorization": True,
        "displayRequestDuration": True,
        "filter": True,
        # The default posts the document to the vendor's online validator for a badge.
        "validatorUrl": None,
    }
    head = "\n".join([
        str(store.tag("swagger-ui.favicon", DOCS_PATH)),
        str(store.tag("swagger-ui.css", DOCS_PATH)),
    ])
    body = "\n".join([
        '<div id="swagger-ui"></div>',
        str(store.tag("swagger-ui.js", DOCS_PATH)),
        "<script>",
        f"const config = {json.dumps(config)};",
        "config.presets = [SwaggerUIBundle.presets.apis];",
        "window.ui = SwaggerUIBundle(config);",
        "</script>",
    ])
    return _page(f"{title} - Swagger UI", head, body)


def redoc_page(store: AssetStore, *, title: str, openapi_url: str) -> HTMLResponse:
    head = "\n".join([
        str(store.tag("swagger-ui.favicon", DOCS_PATH)),
        "<style>body { margin: 0; padding: 0; }</style>",
    ])
    body = "\n".join([
        f'<redoc spec-url="{escape(openapi_url)}"></redoc>',
        str(store.tag("redoc.js", DOCS_PATH)),
    ])
    return _page(f"{title} - ReDoc", head, body)


def routes(*, title: str, openapi_url: str, store: AssetStore | None = None) -> list[Route]:
    """/docs, /redoc and the files they load (public, like the document itself)."""
    store = store or docs_store()

    async def swagger_ui(_: Request) -> HTMLResponse:
        return swagger_ui_page(store, title=title, openapi_url=openapi_url)

    async def redoc(_: Request) -> HTMLResponse:
        return redoc_page(store, title=title, openapi_url=openapi_url)

    return [
        Route(DOCS_PATH, swagger_ui, methods=["GET", "HEAD"], include_in_schema=False),
        Route(REDOC_PATH, redoc, methods=["GET", "HEAD"], include_in_schema=False),
        Route(DOCS_PATH + STATIC_PREFIX + "/{path:path}", static_endpoint(store),
              methods=["GET", "HEAD"], include_in_schema=False),
    ]
