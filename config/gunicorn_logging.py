"""gunicorn's access log without citizens' follow-up tokens.

Used as ``gunicorn --logger-class config.gunicorn_logging.RedactingLogger`` (Dockerfile, docker-compose.yml).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from core.log_redaction import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():  # request line, path, referer, and every {header}i / {environ}e atom
            if isinstance(value, str):
                atoms[key] = redact(value)
        return atoms
