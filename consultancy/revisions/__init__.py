"""
Revisions of public content (django-reversion): every save keeps the item's
fields, relations and tag names; editors compare any two and restore one.
"""
