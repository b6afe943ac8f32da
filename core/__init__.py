"""The project's own infrastructure, with no domain: errors → HTTP, PostgreSQL helpers, middleware, healthz,
the home redirect, role helpers and the level → place-column map. ``core`` imports no other app."""
