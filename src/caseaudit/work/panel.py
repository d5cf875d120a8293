"""What a panel of "Your work" is: a title and a few lines, each a link to where the work is done, with a
count or an age. The panels build these; the page only lays them out."""

from __future__ import annotations

from dataclasses import dataclass, field

# A panel lists at most this many lines, then says how many more there are and links to the full page:
# the home page is a short list, not another register.
MOST_LINES = 5


@dataclass(frozen=True)
class Line:
    text: str
    href: str
    count: int | None = None  # shown large beside the text, when the line is a count
    note: str = ""  # an age, a deadline, a status: what makes the line urgent or not
    late: bool = False  # past its deadline: marked "Late" so that it stands out in the list
    flag: str = ""  # another reason to stand out, said in the red tag instead ("Phone now")
    quote: str = ""  # words someone wrote for this person (a moderator's comments)


@dataclass
class Panel:
    key: str  # stable, for tests and the page's ids
    title: str
    lines: list[Line] = field(default_factory=list)
    more_href: str = ""  # where the whole list is
    more_text: str = ""
    warning: bool = False  # safeguarding: shown first, in the warning style
    child_level: bool = True  # reads children's records, so the page records the access
    warning_text: str = ""  # the one thing to do now, above the lines


def age(days: int) -> str:
    """How long ago something happened, in whole days."""
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
