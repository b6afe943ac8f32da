"""Database helpers shared by the apps' migrations (no models, no domain)."""
