"""Domain errors → HTTP: the API handler answers each with its code; pages turn NotFound into Django's 404."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core.errors import DomainError, Forbidden, InvalidInput, NotAllowed, NotFound, Refusal
from core.exception_handler import exception_handler
from core.middleware import DomainErrorMiddleware


@pytest.mark.parametrize(
    ("error", "status"), [(InvalidInput, 400), (Forbidden, 403), (NotFound, 404), (NotAllowed, 409)]
)
def test_api_answers_each_domain_error_with_its_status_and_code(error, status):
    response = exception_handler(error("不行", code="why"), {})

    assert response.status_code == status
    assert response.data == {"detail": "不行", "code": "why"}


def test_refusals_are_every_domain_error_but_not_found():
    assert all(issubclass(e, Refusal) for e in (InvalidInput, NotAllowed, Forbidden))
    assert not issubclass(NotFound, Refusal)
    assert issubclass(NotFound, DomainError)


def test_page_view_raising_not_found_becomes_http_404():
    middleware = DomainErrorMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/cases/1/")

    with pytest.raises(Http404, match="事件不存在"):
        middleware.process_exception(request, NotFound("事件不存在"))
    assert middleware.process_exception(request, NotAllowed("状态不对")) is None
