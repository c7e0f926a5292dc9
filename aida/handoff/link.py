"""Linking the manager's chat to the amoCRM contact of the customer's lead.

`POST /api/v4/contacts/chats` `[{"contact_id", "chat_id"}]` with the ordinary amoCRM token
(the official library's `Contacts::linkChats`). The adapter is opened on first use, so a
service that never hands a delivered customer over never opens it.
"""

from __future__ import annotations

from aida.catalog import default_catalog, load_catalog
from aida.config import Settings
from aida.crm.amocrm.adapter import AmoCrm, open_amocrm
from aida.crm.port import CrmError, CrmRejected
from aida.handoff.client import AmojoRejected, AmojoUnavailable
from aida.store.base import Store


class ContactLinker:
    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings = settings
        self._store = store
        self._crm: AmoCrm | None = None

    async def __call__(self, chat_id: str, contact_id: int) -> None:
        if self._crm is None:
            s = self._settings
            catalog = load_catalog(s.catalog_path) if s.catalog_path else default_catalog()
            self._crm = open_amocrm(s, self._store, catalog)
        try:
            await self._crm.api.request(
                "POST", "/api/v4/contacts/chats",
                json=[{"contact_id": contact_id, "chat_id": chat_id}],
            )
        except CrmRejected as e:
            raise AmojoRejected(f"amoCRM refused to link the chat: {e}") from e
        except CrmError as e:
            raise AmojoUnavailable(f"amoCRM did not link the chat: {e}") from e

    async def close(self) -> None:
        if self._crm is not None:
            await self._crm.close()
            self._crm = None
