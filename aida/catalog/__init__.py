"""The provider's catalog: tariffs, extras, coverage, working hours, support contacts.

Everything provider-specific is data: the default SMIT catalog ships in `data/`, and
`AIDA_CATALOG` points to an operator's own TOML (or JSON) file of the same shape.
"""

from aida.catalog.coverage import CoverageList, CoverageRow, house_number
from aida.catalog.loader import CatalogError, default_catalog, load_catalog
from aida.catalog.models import (
    Catalog,
    CctvPackage,
    Faq,
    Hours,
    Privacy,
    RouterOffer,
    StaticIp,
    Support,
    Tariff,
)

__all__ = [
    "Catalog",
    "CatalogError",
    "CctvPackage",
    "CoverageList",
    "CoverageRow",
    "Faq",
    "Hours",
    "Privacy",
    "RouterOffer",
    "StaticIp",
    "Support",
    "Tariff",
    "default_catalog",
    "house_number",
    "load_catalog",
]
