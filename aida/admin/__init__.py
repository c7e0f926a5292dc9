"""The admin dashboard (`/admin`) and its JSON API, for the provider's staff.

Off (404) until AIDA_ADMIN_TOKEN is set. Numbers come from the database, so every instance
shows the same. See `aida.admin.handlers` for the routes.
"""

from aida.admin.handlers import add_admin_routes

__all__ = ["add_admin_routes"]
