"""Domain errors shared by all apps; the API exception handler maps them to HTTP codes."""


class DomainError(Exception):
    """Base class: a request that is understood but cannot be carried out. ``message`` is user-facing."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidInput(DomainError):
    status_code = 400


class NotAllowed(DomainError):
    """The action is not allowed now (wrong state, already done by someone else, refused by policy): HTTP 409."""

    status_code = 409


class NotFound(DomainError):
    """Outside the user's scope or absent: HTTP 404 (existence does not leak)."""

    status_code = 404


class Forbidden(DomainError):
    """The case is visible to the user but this action is not theirs to take: HTTP 403 with the reason."""

    status_code = 403
