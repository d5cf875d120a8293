"""What the register tells the apps above it, which it does not import."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once an import has changed the register and committed (no arguments): what is kept about the
# register as a whole (its compliance) is counted again then, ahead of the people who will read it.
register_imported = Signal()
