"""Front-end files the app serves itself: each pinned to an exact npm version with its SRI hash.

Every file comes from the npm packages pinned in the repository's package.json and
package-lock.json (installed by `make install`/`make run`/`make test` with `npm ci` into
./node_modules) and is served by the app, so the admin panel and the API docs work on a
machine without internet. When node_modules is missing, the same pinned file is loaded
from the CDN, still with its integrity hash: a CDN that serves other bytes is refused by
the browser.

A hash is of the file as published in the npm package (the CDN serves the package's
bytes unchanged); the tests recompute each from node_modules, so a version bump without
a new hash is caught. The admin panel's list is admin_views/assets.py, the API docs'
dashboard/web/docs.py.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import FileResponse, Response

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
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
    kind: str  # "css", "js" or "icon"
    # Folders of the package that the file loads relatively (the icon fonts).
    loads: tuple[str, ...] = ()

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def cdn_url(self) -> str:
        return f"{CDN_BASE}/{self.spec}/{self.path}"


class AssetStore:
    """Where one set of assets comes from, for one node_modules folder."""

    def __init__(self, assets: Mapping[str, Asset], root: Path = NODE_MODULES) -> None:
        self.assets = assets
        self.root = root

    def installed_version(self, package: str) -> str | None:
        manifest = self.root / package / "package.json"
        try:
            return str(json.loads(manifest.read_text())["version"])
        except (OSError, ValueError, KeyError):
            return None

    def is_installed(self, asset: Asset) -> bool:
        installed = self.installed_version(asset.package) == asset.version
        return installed and (self.root / asset.package / asset.path).is_file()

    def url(self, asset: Asset, mount_path: str) -> str:
        """`mount_path` is where `serve_static` is mounted less STATIC_PREFIX (/admin, /docs)."""
        if self.is_installed(asset):
            return f"{mount_path}{STATIC_PREFIX}/{asset.spec}/{asset.path}"
        return asset.cdn_url

    def tag(self, name: str, mount_path: str) -> Markup:
        asset = self.assets[name]
        # Both values are escaped here; Markup only marks the finished tag as safe.
        url = escape(self.url(asset, mount_path))
        sri = escape(asset.integrity)
        if asset.kind == "css":
            return Markup(f'<link rel="stylesheet" href="{url}" integrity="{sri}" crossorigin="anonymous">')  # noqa: S704
        if asset.kind == "icon":
            return Markup(f'<link rel="icon" href="{url}" integrity="{sri}" crossorigin="anonymous">')  # noqa: S704
        return Markup(f'<script src="{url}" integrity="{sri}" crossorigin="anonymous"></script>')  # noqa: S704

    def resolve(self, requested: str) -> Path | None:
        """The file for `<package>@<version>/<path>`, only when it is one of the assets or
        inside a folder an asset loads, at the pinned version."""
        normalised = posixpath.normpath(requested)
        if normalised != requested or normalised.startswith(("/", "..")):
            return None
        for asset in self.assets.values():
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

    def response(self, requested: str) -> Response:
        found = self.resolve(requested)
        if found is None:
            return Response(status_code=404)
        media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return FileResponse(
            found,
            media_type=media_type,
            # The URL names the exact version, so the file never changes under it.
            headers={"Cache-Control": "public, max-age=31536000, immutable"},
        )


def static_endpoint(store: AssetStore) -> Callable[[Request], Awaitable[Response]]:
    """`Route(STATIC_PREFIX + "/{path:path}", static_endpoint(store))`: public, since a
    login page or the docs need their files before anyone signs in."""

    async def serve_static(request: Request) -> Response:
        return store.response(request.path_params["path"])

    return serve_static
