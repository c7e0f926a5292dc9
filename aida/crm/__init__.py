"""Where confirmed leads go: the CRM port and its two adapters.

- `LocalCrm` (default): leads stay in the database, listed by `aida leads`.
- `AmoCrm`: amoCRM API v4, on when `AMO_SUBDOMAIN` (or `AMO_BASE_URL`) and a token are set;
  leads are queued in the outbox with the turn that confirms them and delivered by
  `aida.crm.worker` in the background.
"""

from __future__ import annotations

from aida.catalog import Catalog
from aida.config import Settings
from aida.crm.local import LocalCrm
from aida.crm.port import CrmPort
from aida.store.base import Store


def open_crm(settings: Settings, store: Store, catalog: Catalog) -> CrmPort:
    """The adapter `settings` ask for (call inside a running event loop; close() it)."""
    if not settings.amo_enabled:
        return LocalCrm()
    from aida.crm.amocrm.adapter import open_amocrm  # aiohttp client only when configured

    return open_amocrm(settings, store, catalog)


__all__ = ["CrmPort", "LocalCrm", "open_crm"]
