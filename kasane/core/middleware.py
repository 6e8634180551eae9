"""Request context for the access log, and the two-factor gate."""

import contextvars
from dataclasses import dataclass

from django.shortcuts import redirect
from django.urls import reverse

from . import twofactor


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    via: str = "ui"


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "kasane_request", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip(request) -> str | None:
    # REMOTE_ADDR is the peer. Behind the documented reverse proxy, set KASANE_BEHIND_PROXY so that
    # gunicorn's --forwarded-allow-ips rewrites it; we never trust X-Forwarded-For ourselves.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            from .errorviews import bad_request

            return bad_request(request)  # PostgreSQL refuses NUL in text; forms already refuse it in POSTs
        via = "api" if request.path.startswith("/api/") else "ui"
        token = _current.set(RequestContext(ip=client_ip(request), via=via))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if response.status_code == 405 and not response.content:
            from .errorviews import error_response

            allow = response.get("Allow")
            response = error_response(request, 405)
            if allow:
                response["Allow"] = allow
        return response


class TwoFactorRequiredMiddleware:
    """A signed-in user who must pass TOTP sees nothing but the 2FA pages until they do."""

    EXEMPT_PREFIXES = ("/static/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.EXEMPT_PREFIXES):
            pending = twofactor.pending_step(user)
            if pending and request.path not in self._exempt_paths():
                return redirect(pending)
            change = reverse("core:password_change")
            if (
                not pending
                and getattr(user, "must_change_password", False)
                and request.path
                not in {
                    change,
                    reverse("core:logout"),
                }
            ):
                return redirect(change)
        return self.get_response(request)

    @staticmethod
    def _exempt_paths() -> set[str]:
        return {reverse("core:otp_verify"), reverse("core:otp_setup"), reverse("core:logout")}
