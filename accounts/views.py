"""Accounts: sign-up, login and password reset, rate-limited per address together:
LOGIN_RATE_LIMIT_PER_MINUTE attempts (default 10)."""

import functools

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods

from accounts.confirmation import confirmation_confirm, confirmation_send, needs_confirmation
from accounts.lookalike import first_letters, skeleton
from core.ratelimit import TokenBucket


@functools.cache
def _bucket(per_minute: int) -> TokenBucket:
    return TokenBucket(name="login", per_minute=per_minute)


def _attempts() -> TokenBucket:
    return _bucket(settings.LOGIN_RATE_LIMIT_PER_MINUTE)


def _refused_attempt(request) -> HttpResponse | None:
    """A 429 when this address has used its login attempts (one bucket for both logins)."""
    if not getattr(settings, "LOGIN_RATE_LIMIT", True):
        return None
    decision = _attempts().take(request.META.get("REMOTE_ADDR", "unknown"))
    if decision.allowed:
        return None
    response = HttpResponse(
        f"Too many login attempts from this address. Try again in "
        f"{decision.retry_after} seconds.", status=429, content_type="text/plain")
    response["Retry-After"] = str(decision.retry_after)
    return response


class RateLimitedLoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        return _refused_attempt(request) or super().post(request, *args, **kwargs)


def admin_login(request):
    """Django admin's login with the same limit as the scorers' (it had none)."""
    if request.method == "POST":
        refused = _refused_attempt(request)
        if refused is not None:
            return refused
    return admin.site.login(request)


class SignUpForm(UserCreationForm):
    email = forms.EmailField(help_text="For resetting a forgotten password; never shown.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self):
        """One account an address (whatever its case): a reset link goes to one account."""
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account already uses this e-mail address; sign in "
                                        "or reset its password.")
        return email

    def clean_username(self):
        """A name that reads like someone else's ('ALICE'; 'alice' with a Cyrillic or a
        full-width a) is refused, so nobody can pass for another scorer."""
        username = super().clean_username()  # None: Django found the same name in any case
        if username and username_looks_taken(username):
            raise forms.ValidationError("A user with a name that looks the same already "
                                        "exists; choose another.")
        return username


def username_looks_taken(username: str) -> bool:
    """Whether an account's name has the same skeleton (accounts/lookalike.py); only names
    that may start like it are read."""
    target = skeleton(username)
    starts = Q()
    for letter in first_letters(username):
        starts |= Q(username__istartswith=letter)
    candidates = get_user_model().objects.filter(starts).values_list("username", flat=True)
    return any(skeleton(name) == target for name in candidates.iterator())


@require_http_methods(["GET", "POST"])
def sign_up(request):
    """Anyone may open an account (to score friendlies, run tournaments, keep squads); the same
    per-address limit as logins keeps scripts from making thousands."""
    if request.method == "POST":
        refused = _refused_attempt(request)
        if refused is not None:
            return refused
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        confirmation_send(request=request, user=user)
        messages.success(request, f"Welcome, {user.get_username()}. We sent a link to "
                                  f"{user.email}: open it, then set up a match to score it.")
        return redirect("games:my-matches")
    return render(request, "registration/sign_up.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Password reset mails go out at most as often as login attempts are allowed."""

    def post(self, request, *args, **kwargs):
        return _refused_attempt(request) or super().post(request, *args, **kwargs)


def confirmed_email_required(view):
    """A signed-up account sets things up only once its e-mail address is confirmed (the page
    says so and offers the link again); staff and command-made accounts are not held."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and needs_confirmation(request.user):
            return render(request, "registration/confirm_needed.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET"])
def confirm_email(request, uidb64: str, token: str):
    """The link from the sign-up mail: confirms the address it was sent to."""
    try:
        user = get_user_model().objects.filter(pk=int(urlsafe_base64_decode(uidb64))).first()
    except (ValueError, OverflowError):
        user = None
    confirmed = user is not None and confirmation_confirm(user=user, token=token)
    return render(request, "registration/confirm_done.html", {"confirmed": confirmed},
                  status=200 if confirmed else 400)


@login_required
@require_http_methods(["POST"])
def confirm_resend(request):
    """Mail the confirmation link again (as often as login attempts are allowed)."""
    refused = _refused_attempt(request)
    if refused is not None:
        return refused
    if needs_confirmation(request.user):
        confirmation_send(request=request, user=request.user)
        messages.success(request, f"We sent a new link to {request.user.email}.")
    return redirect("games:my-matches")
