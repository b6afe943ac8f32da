"""Interfaces to other systems: Open311 GeoReport v2 (``open311/``), the 12345 hotline exchange and signed webhooks."""
