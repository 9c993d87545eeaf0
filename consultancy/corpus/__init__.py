"""A deterministic synthetic corpus (manage.py generate_content)."""
