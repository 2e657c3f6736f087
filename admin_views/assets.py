"""The panel's CSS and JS: each file pinned to an exact version with its SRI hash.

The stock templates load `@latest` builds from three CDNs and a third party's Font
Awesome kit, none with an integrity hash. Here every file is one of ASSETS, served by the
app under /admin/static/npm/ from node_modules, or from the pinned CDN URL with its hash
when node_modules is missing: the mechanism (shared with the API docs) is
dashboard/web/assets.py; tests/admin/test_assets.py recomputes each hash.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from dashboard.web import assets as shared
from dashboard.web.assets import NODE_MODULES, STATIC_PREFIX, Asset

__all__ = ["ASSETS", "NODE_MODULES", "STATIC_PREFIX", "Asset", "AssetStore", "default_store",
           "install_template_globals", "serve_static"]

ASSETS: dict[str, Asset] = {
    "tabler.css": Asset(
        "@tabler/core", "1.6.1", "dist/css/tabler.min.css",
        "sha384-tT2UAGE9hxG/p5d0iGIvZ/s8El3nWWG3tfG02i8iOY5Pbf8cZZRVmcrrVs+JG5Vw", "css",
    ),
    "tabler.js": Asset(
        "@tabler/core", "1.6.1", "dist/js/tabler.min.js",
        "sha384-1yCHfhyU8+V33urXkAlLLpNYd9jdzXkxdafCg0+auIIEtYFnOuM/DwJQgk5sXY98", "js",
    ),
    "tabler-icons.css": Asset(
        "@tabler/icons-webfont", "3.49.0", "dist/tabler-icons.min.css",
        "sha384-IcAOG/1tqv9Qnam+j3mZYPAFcNQMnQpMcafc8Nsvd44AUeTCzhUzdQiJkrROmqW6", "css",
        loads=("dist/fonts/",),
    ),
}


class AssetStore(shared.AssetStore):
    """The panel's assets, for one node_modules folder."""

    def __init__(self, root: Path = NODE_MODULES) -> None:
        super().__init__(ASSETS, root)


@cache
def default_store() -> AssetStore:
    return AssetStore()


def install_template_globals(templates_env: object, store: AssetStore) -> None:
    """`{{ asset_tag("tabler.css") }}` in a template: the pinned tag for this machine."""

    @pass_context
    def asset_tag(context: dict[str, Any], name: str) -> Markup:
        request: Request | None = context.get("request")
        admin_path = getattr(request.app, "admin_path", "/admin") if request is not None else "/admin"
        return store.tag(name, admin_path)

    templates_env.globals["asset_tag"] = asset_tag  # type: ignore[attr-defined]


async def serve_static(request: Request) -> Response:
    """Public: the login page needs its stylesheet before anyone signs in."""
    store: shared.AssetStore = request.app.asset_store
    return store.response(request.path_params["path"])


FAVICON = Path(__file__).resolve().parent / "static" / "favicon.svg"


async def serve_favicon(request: Request) -> Response:
    """Public, like the stylesheets: the login tab shows it too."""
    return FileResponse(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
