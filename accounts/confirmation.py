"""E-mail confirmation for signed-up accounts: the link mailed at sign-up (and again on request)
proves the address is the account's, and only then may the account set up matches,
tournaments and teams. The link is a Django token like a password reset's, bound to the account,
its address and whether it is confirmed, so it stops working once used or once the address
changes, and after PASSWORD_RESET_TIMEOUT."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import EmailConfirmation


class _ConfirmationTokens(PasswordResetTokenGenerator):
    key_salt = "accounts.confirmation"

    def _make_hash_value(self, user, timestamp):
        row = getattr(user, "email_confirmation", None)
        confirmed = row.confirmed_at.isoformat() if row and row.confirmed_at else ""
        return f"{user.pk}{user.email}{confirmed}{timestamp}"


tokens = _ConfirmationTokens()


def needs_confirmation(user) -> bool:
    """Whether this signed-in account must confirm its address before setting anything up."""
    row = EmailConfirmation.objects.filter(user_id=user.pk).first()
    return row is not None and (row.confirmed_at is None or row.email != user.email)


def confirmation_send(*, request, user) -> None:
    """Record the address as unconfirmed (if it is not yet) and mail it the link."""
    EmailConfirmation.objects.update_or_create(
        user=user, defaults={"email": user.email}, create_defaults={"email": user.email})
    path = reverse("confirm-email", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                          tokens.make_token(user)])
    body = render_to_string("registration/confirm_email.txt", {
        "user": user, "link": request.build_absolute_uri(path)})
    send_mail("Confirm your e-mail address for Scorekeeper", body, None, [user.email])


def confirmation_confirm(*, user, token: str) -> bool:
    """Confirm the account's address if the token is its current one."""
    if not tokens.check_token(user, token):
        return False
    EmailConfirmation.objects.filter(user=user).update(email=user.email,
                                                        confirmed_at=timezone.now())
    return True
