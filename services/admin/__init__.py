"""The services app's admin: content for editors, enquiries for sales."""

from services.admin import (  # noqa: F401 (they register their ModelAdmins)
    content,
    enquiry,
    routing,
    webhook,
)
