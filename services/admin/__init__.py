"""The services app's admin: content for editors, enquiries for sales."""

from services.admin import content, enquiry, webhook  # noqa: F401 (they register their ModelAdmins)
