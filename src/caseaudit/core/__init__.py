"""Django-free domain logic: pure functions and dataclasses, no ORM imports."""
