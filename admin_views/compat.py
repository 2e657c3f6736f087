"""What fastapi-admin 1.0.4 needs to run on Python 3.11, redis 5 and Starlette 1.x.

Import this module before anything from `fastapi_admin`. Each shim says why it exists;
`tests/admin/test_compat.py` imports fastapi-admin, checks each shim, and renders every
template we use, so an upgrade that makes a shim wrong or unnecessary is caught.

The rest of what the stock package gets wrong is replaced elsewhere, not patched:
routes (admin_views.routes), authorization (admin_views.guard), login
(admin_views.auth), CSRF (admin_views.csrf), assets (admin_views.assets, templates/),
widgets (admin_views.widgets) and the index page (admin_views.home).
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
    if args and isinstance(args[0], str):  # the old style: the template name comes first
        name, rest = args[0], list(args[1:])
        # The context came either as `context=` or as the second positional argument.
        context = kwargs.pop("context", None) or (rest.pop(0) if rest else {})
        # The request moves from inside the context to the first argument, where 1.x wants it.
        return _original_template_response(self, context.get("request"), name, context, *rest, **kwargs)  # type: ignore[arg-type]
    return _original_template_response(self, *args, **kwargs)  # already the new style (our views)


# Patched on the class: fastapi-admin builds its own Jinja2Templates instance at import.
Jinja2Templates.TemplateResponse = _template_response  # type: ignore[method-assign]


def install_translations() -> None:
    """The wheel ships only .po sources, so every label would show its raw msgid
    ("login_failed"). Compile them once per process into a temporary directory and
    hand the compiled catalogues to fastapi-admin."""
    import fastapi_admin
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations
    from fastapi_admin import i18n

    source = Path(fastapi_admin.__file__).parent / "locales"  # the wheel's .po sources
    # A private temporary folder: site-packages may be read-only, and nothing is shared.
    target = Path(tempfile.mkdtemp(prefix="dashboard-admin-locales-"))
    for po_path in source.glob("*/LC_MESSAGES/messages.po"):
        locale = po_path.parent.parent.name  # e.g. en_US
        mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)  # what `pybabel compile` does, without the CLI
        # fastapi-admin looks catalogues up in this dict on every set_locale().
        i18n.TRANSLATIONS[locale] = Translations.load(str(target), locales=[locale])
    # One fixed locale for the whole process: the stock per-request switch
    # (language_processor) sets a module global, so concurrent users raced for it;
    # admin_views.create_admin leaves that middleware out.
    i18n.set_locale("en_US")
