"""Pinned, hashed, self-served assets, with a pinned CDN fallback."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from admin_views.assets import ASSETS, NODE_MODULES, AssetStore


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_integrity_hash_matches_the_installed_file(name):
    asset = ASSETS[name]
    store = AssetStore()
    assert store.is_installed(asset), f"{asset.spec} missing from node_modules: run `make install`"
    digest = hashlib.sha384((NODE_MODULES / asset.package / asset.path).read_bytes()).digest()
    assert asset.integrity == "sha384-" + base64.b64encode(digest).decode()
    assert re.fullmatch(r"\d+\.\d+\.\d+", asset.version)


def test_package_lock_pins_the_same_versions():
    import json
    from pathlib import Path

    lock = json.loads((Path(NODE_MODULES).parent / "package-lock.json").read_text())
    for asset in ASSETS.values():
        assert lock["packages"][f"node_modules/{asset.package}"]["version"] == asset.version


async def test_pages_use_local_assets_with_sri(anonymous):
    page = (await anonymous.get("/admin/login")).text
    tags = re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"[^>]*integrity="(sha384-[^"]+)"', page)
    assert len(tags) == 3
    for url, integrity in tags:
        assert url.startswith("/admin/static/npm/")
        served = await anonymous.get(url)
        assert served.status_code == 200
        assert "immutable" in served.headers["cache-control"]
        assert integrity == "sha384-" + base64.b64encode(hashlib.sha384(served.content).digest()).decode()
    assert "https://" not in page


async def test_icon_fonts_are_served_and_nothing_else(anonymous):
    icons = ASSETS["tabler-icons.css"]
    font = await anonymous.get(f"/admin/static/npm/{icons.spec}/dist/fonts/tabler-icons.woff2")
    assert font.status_code == 200 and font.headers["content-type"] == "font/woff2"
    for path in (
        f"{icons.spec}/package.json",
        f"{icons.spec}/dist/../package.json",
        "@tabler/core@9.9.9/dist/css/tabler.min.css",
        f"{ASSETS['tabler.css'].spec}/dist/js/tabler.js",
        "..%2F..%2Fpyproject.toml",
        "left-pad@1.0.0/index.js",
    ):
        assert (await anonymous.get(f"/admin/static/npm/{path}")).status_code == 404, path


def test_without_node_modules_the_pinned_cdn_is_used_with_sri(tmp_path):
    store = AssetStore(tmp_path)
    for name, asset in ASSETS.items():
        tag = str(store.tag(name, "/admin"))
        assert f'"https://cdn.jsdelivr.net/npm/{asset.spec}/{asset.path}"' in tag
        assert f'integrity="{asset.integrity}"' in tag and 'crossorigin="anonymous"' in tag
        assert "@latest" not in tag
    assert store.resolve(f"{ASSETS['tabler.css'].spec}/{ASSETS['tabler.css'].path}") is None
