"""The JSON API under ``/api/v1/``: Django REST Framework over the same
policy, selectors and services as the pages."""
