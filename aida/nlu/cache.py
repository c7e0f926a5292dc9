"""Per-catalog caches: indexes built from a catalog once and dropped with the catalog.

Catalog models are not hashable, so the cache is keyed by identity and guarded by a weak
reference (an id can be reused once the catalog is gone).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

from aida.catalog import Catalog

T = TypeVar("T")


def per_catalog(build: Callable[[Catalog], T]) -> Callable[[Catalog], T]:
    built: dict[int, tuple[weakref.ref[Catalog], T]] = {}

    def get(catalog: Catalog) -> T:
        key = id(catalog)
        hit = built.get(key)
        if hit is not None and hit[0]() is catalog:
            return hit[1]
        value = build(catalog)
        built[key] = (weakref.ref(catalog, lambda _ref: built.pop(key, None)), value)
        return value

    get.__name__ = build.__name__
    get.__doc__ = build.__doc__
    return get
