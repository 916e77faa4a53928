"""Errors raised outside a view's own handling, answered the way the client reads them: JSON on
the JSON endpoints (``/api/``), a plain page elsewhere. A database that cannot be reached is a
503 with ``Retry-After`` (the ball was not recorded; try again), never a 500."""

from __future__ import annotations

import re
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

RETRY_AFTER_SECONDS = 5


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _database_unreachable(error: BaseException | None) -> bool:
    # Connection failures (server down, pool timed out) are OperationalError/InterfaceError;
    # a query that is simply wrong is a defect and stays a 500.
    return isinstance(error, (OperationalError, InterfaceError))


def _unavailable(request: HttpRequest) -> HttpResponse:
    response = _answer(request, 503, "The database is unavailable for a moment; nothing was "
                       f"recorded. Try again in {RETRY_AFTER_SECONDS} seconds.")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called inside the failed request's exception handling."""
    error = sys.exc_info()[1]
    if _database_unreachable(error):
        return _unavailable(request)
    if wants_json(request):
        return JsonResponse({"error": "Something went wrong on our side; it has been logged."},
                            status=500)
    return defaults.server_error(request)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON for the API, Django's page elsewhere."""
    if wants_json(request):
        return JsonResponse({"error": f"Nothing at {request.path}."}, status=404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the API says what to send; forms get Django's explanation."""
    if wants_json(request):
        return JsonResponse({"error": "CSRF check failed: send the csrftoken cookie's value in "
                             f"an X-CSRFToken header ({reason})."}, status=403)
    return django_csrf_failure(request, reason=reason)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class QueryControlCharactersMiddleware:
    """A query string whose parameters hold a control character (a NUL, CR, LF…) is refused
    with a 400 before any view reads it: no such character reaches a query (PostgreSQL refuses
    a NUL with an error that was a 500) or a header, and nothing a person types holds one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%" in request.META.get("QUERY_STRING", ""):  # only an escape can carry one
            for key, values in request.GET.lists():
                for text in (key, *values):
                    if found := _CONTROL.search(text):
                        return _answer(request, 400, (
                            f"The query parameter {key!r} holds a control character "
                            f"(U+{ord(found.group()):04X}); remove it."))
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After whatever DEBUG is:
    under DEBUG Django would show its debug page (a 500) instead of calling handler500, so
    ``make run`` degraded otherwise than production does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if _database_unreachable(exception):
            return _unavailable(request)
        return None
