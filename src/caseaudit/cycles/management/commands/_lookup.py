from django.core.management.base import CommandError

from caseaudit.cycles.models import Cycle


def cycle_named(name: str) -> Cycle:
    cycle = Cycle.objects.filter(name__iexact=name.strip()).first()
    if cycle is None:
        known = ", ".join(repr(n) for n in Cycle.objects.values_list("name", flat=True)[:20]) or "none yet"
        raise CommandError(f"No cycle called {name!r}. Cycles: {known}.")
    return cycle
