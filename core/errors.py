"""Domain errors shared by all apps, and their HTTP codes.

The API's exception handler (``core.exception_handler``) answers every ``DomainError`` with its
``status_code``; for the HTML views ``core.middleware.DomainErrorMiddleware`` turns ``NotFound`` into
Django's 404 page. The other errors are ``Refusal``s: a view catches ``Refusal`` and shows its message
(a form error, a flash message) — never ``NotFound``, which must stay a plain 404.
"""


class DomainError(Exception):
    """Base class: a request that is understood but cannot be carried out. ``message`` is user-facing."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Refusal(DomainError):
    """A refusal with a reason the user may read (bad input, wrong state, not theirs to do) — not "absent"."""


class InvalidInput(Refusal):
    status_code = 400


class NotAllowed(Refusal):
    """The action is not allowed now (wrong state, already done by someone else, refused by policy): HTTP 409."""

    status_code = 409


class TooMany(Refusal):
    """Refused for now: the user ran out of a rate the policy allows (HTTP 429); the message says when it comes back."""

    status_code = 429


class NotFound(DomainError):
    """Outside the user's scope or absent: HTTP 404 (existence does not leak)."""

    status_code = 404


class Forbidden(Refusal):
    """The case is visible to the user but this action is not theirs to take: HTTP 403 with the reason."""

    status_code = 403
