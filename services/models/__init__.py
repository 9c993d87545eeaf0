"""Services and technologies (content) and the enquiries visitors send."""

from services.models.content import Service, ServiceQuerySet, Technology, TechnologyQuerySet

__all__ = ["Service", "ServiceQuerySet", "Technology", "TechnologyQuerySet"]
