"""The amoCRM stand-in fixtures, for the consent's way into the CRM."""

from tests.crm.conftest import amo, tokens  # noqa: F401
