"""Text that may be translated lazily.

A label declared at import time is a ``gettext_lazy`` promise, translated when it is rendered, so
the fields that hold such labels accept both. Under the type checker the promise is django-stubs'
``_StrPromise`` (which knows it behaves as a str); at run time it is Django's ``Promise``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise
else:
    from django.utils.functional import Promise

    StrOrPromise = str | Promise
