"""What fastapi-admin 1.0.4 needs to run on Python 3.11, redis 5 and Starlette 1.x.

Import this module before anything from `fastapi_admin`. Each shim says why it exists;
`tests/admin/test_compat.py` renders the templates we use, so an upgrade that makes a
shim wrong or unnecessary is caught.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import redis.asyncio
from starlette.templating import Jinja2Templates

# fastapi-admin imports `aioredis`, whose 2.0.1 release fails to import on Python 3.11
# ("duplicate base class TimeoutError"). redis.asyncio is its maintained successor with
# the same client API.
sys.modules.setdefault("aioredis", redis.asyncio)

_original_template_response = Jinja2Templates.TemplateResponse


def _template_response(self: Jinja2Templates, *args: Any, **kwargs: Any) -> Any:
    """Starlette 1.x accepts only TemplateResponse(request, name, context); fastapi-admin
    still calls the old TemplateResponse(name, context) form."""
    if args and isinstance(args[0], str):
        name, rest = args[0], list(args[1:])
        context = kwargs.pop("context", None) or (rest.pop(0) if rest else {})
        return _original_template_response(self, context.get("request"), name, context, *rest, **kwargs)
    return _original_template_response(self, *args, **kwargs)


Jinja2Templates.TemplateResponse = _template_response  # type: ignore[method-assign]


def install_translations() -> None:
    """The wheel ships only .po sources, so every label would show its raw msgid
    ("login_failed"). Compile them once per process into a temporary directory and
    hand the compiled catalogues to fastapi-admin."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    import fastapi_admin
    from fastapi_admin import i18n

    source = Path(fastapi_admin.__file__).parent / "locales"
    target = Path(tempfile.mkdtemp(prefix="dashboard-admin-locales-"))
    for po_path in source.glob("*/LC_MESSAGES/messages.po"):
        locale = po_path.parent.parent.name
        mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        i18n.TRANSLATIONS[locale] = Translations.load(str(target), locales=[locale])
    i18n.set_locale("en_US")
