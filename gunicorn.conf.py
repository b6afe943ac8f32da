"""gunicorn's settings, read from the working directory (the project root; the image's /app) by every
``gunicorn config.wsgi`` of the Dockerfile, docker-compose.yml and bench/intake.py."""


def post_worker_init(worker) -> None:
    """Each worker, its application loaded, settles before its first request: views and templates loaded, then
    frozen out of the garbage collector's full sweeps (``core.serving.settle``)."""
    from core.serving import settle

    settle()
