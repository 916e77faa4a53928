"""Appointments wait for the appointee: naming someone a co-scorer, co-organiser or co-manager
invites them, and they hold the role only once they accept (``/score/appointments/``). So
nobody's name is put on a match, a tournament or a team without their consent, and nobody is
handed a role they did not ask for. Whoever saves the thing keeps their own role; people who
already hold it keep it; an invitation the saver leaves out is withdrawn."""

from __future__ import annotations

from django.db import transaction

from games.models import Appointment, Match, Team, Tournament

# Role: (the target's field on Appointment, the target's people).
ROLES = {
    Appointment.Role.SCORER: ("match", "scorers"),
    Appointment.Role.ORGANISER: ("tournament", "organisers"),
    Appointment.Role.MANAGER: ("team", "managers"),
}
_ROLE_OF = {Match: Appointment.Role.SCORER, Tournament: Appointment.Role.ORGANISER,
            Team: Appointment.Role.MANAGER}


def role_of(target) -> str:
    return _ROLE_OF[type(target)]


def invited_to(target) -> list[Appointment]:
    """The invitations to ``target`` still waiting, oldest first."""
    field = ROLES[role_of(target)][0]
    return list(Appointment.objects.filter(**{field: target}).select_related("user")
                .order_by("created_at", "pk"))


def appoint(*, target: Match | Tournament | Team, users, by, keep_by: bool = True) -> list:
    """Make ``users`` (and ``by``, unless ``keep_by`` is false) the target's people: those who
    hold the role keep it, ``by`` holds it at once, the rest are invited. Returns the invited."""
    role = role_of(target)
    field, people = ROLES[role]
    holders = getattr(target, people)
    wanted = {user.pk: user for user in users}
    with transaction.atomic():
        current = set(holders.values_list("pk", flat=True))
        keep = [pk for pk in wanted if pk in current]
        if keep_by and by is not None:
            keep.append(by.pk)
        holders.set(keep)
        invited = [user for pk, user in wanted.items() if pk not in keep]
        pending = Appointment.objects.filter(role=role, **{field: target})
        pending.exclude(user__in=[user.pk for user in invited]).delete()  # withdrawn
        Appointment.objects.bulk_create(
            [Appointment(role=role, user=user, by=by, **{field: target}) for user in invited],
            ignore_conflicts=True)
    return invited


def appointment_answer(*, appointment: Appointment, accept: bool) -> None:
    """The appointee's answer: accepting gives them the role; either way the invitation goes."""
    with transaction.atomic():
        if accept:
            field, people = ROLES[appointment.role]
            getattr(getattr(appointment, field), people).add(appointment.user_id)
        appointment.delete()
