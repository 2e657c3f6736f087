"""The panel's CSS and JS: each file pinned to an exact version with its SRI hash.

The stock templates load `@latest` builds from three CDNs and a third party's Font
Awesome kit, none with an integrity hash. Here every file comes from the npm packages
pinned in the repository's package.json/package-lock.json (installed by `make install`
into ./node_modules) and is served by the app under /admin/static/npm/, so the panel is
fully styled on a machine without internet. When node_modules is missing, the same
pinned file is loaded from the CDN, still with its integrity hash: a CDN that serves
other bytes is refused by the browser.

The hash is of the file as published in the npm package (the CDN serves the package's
bytes unchanged); tests/admin/test_assets.py recomputes it from node_modules, so a
version bump without a new hash is caught.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import FileResponse, Response

NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"
CDN_BASE = "https://cdn.jsdelivr.net/npm"
STATIC_PREFIX = "/static/npm"

# Fonts are fetched by the icon stylesheet relative to itself; browsers apply no SRI to them.
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("font/woff", ".woff")
mimetypes.add_type("font/ttf", ".ttf")


@dataclass(frozen=True, slots=True)
class Asset:
    package: str
    version: str
    path: str
    integrity: str
    kind: str  # "css" or "js"
    # Folders of the package that the file loads relatively (the icon fonts).
    loads: tuple[str, ...] = ()

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def cdn_url(self) -> str:
        return f"{CDN_BASE}/{self.spec}/{self.path}"


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


class AssetStore:
    """Where the assets come from for one node_modules folder."""

    def __init__(self, root: Path = NODE_MODULES) -> None:
        self.root = root

    def installed_version(self, package: str) -> str | None:
        manifest = self.root / package / "package.json"
        try:
            return json.loads(manifest.read_text())["version"]
        except (OSError, ValueError, KeyError):
            return None

    def is_installed(self, asset: Asset) -> bool:
        return self.installed_version(asset.package) == asset.version and (self.root / asset.package / asset.path).is_file()

    def url(self, asset: Asset, admin_path: str) -> str:
        if self.is_installed(asset):
            return f"{admin_path}{STATIC_PREFIX}/{asset.spec}/{asset.path}"
        return asset.cdn_url

    def tag(self, name: str, admin_path: str) -> Markup:
        asset = ASSETS[name]
        url = escape(self.url(asset, admin_path))
        sri = escape(asset.integrity)
        if asset.kind == "css":
            return Markup(f'<link rel="stylesheet" href="{url}" integrity="{sri}" crossorigin="anonymous">')
        return Markup(f'<script src="{url}" integrity="{sri}" crossorigin="anonymous"></script>')

    def resolve(self, requested: str) -> Path | None:
        """The file for `<package>@<version>/<path>`, only when it is one of ASSETS or
        inside a folder an asset loads, at the pinned version."""
        normalised = posixpath.normpath(requested)
        if normalised != requested or normalised.startswith(("/", "..")):
            return None
        for asset in ASSETS.values():
            prefix = asset.spec + "/"
            if not requested.startswith(prefix):
                continue
            inner = requested[len(prefix):]
            if inner == asset.path or any(inner.startswith(folder) for folder in asset.loads):
                if self.installed_version(asset.package) != asset.version:
                    return None
                candidate = self.root / asset.package / inner
                return candidate if candidate.is_file() else None
        return None


@cache
def default_store() -> AssetStore:
    return AssetStore()


def install_template_globals(templates_env: object, store: AssetStore) -> None:
    """`{{ asset_tag("tabler.css") }}` in a template: the pinned tag for this machine."""

    @pass_context
    def asset_tag(context: dict, name: str) -> Markup:
        request: Request | None = context.get("request")
        admin_path = getattr(request.app, "admin_path", "/admin") if request is not None else "/admin"
        return store.tag(name, admin_path)

    templates_env.globals["asset_tag"] = asset_tag  # type: ignore[attr-defined]


async def serve_static(request: Request) -> Response:
    """Public: the login page needs its stylesheet before anyone signs in."""
    path = request.path_params["path"]
    found = request.app.asset_store.resolve(path)
    if found is None:
        return Response(status_code=404)
    media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    return FileResponse(
        found,
        media_type=media_type,
        # The URL names the exact version, so the file never changes under it.
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


FAVICON = Path(__file__).resolve().parent / "static" / "favicon.svg"


async def serve_favicon(request: Request) -> Response:
    """Public, like the stylesheets: the login tab shows it too."""
    return FileResponse(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
