"""List filters (django-filter FilterSets), one module per area of the web UI."""
