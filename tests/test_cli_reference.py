"""The README's command line reference is the commands' own help: every caseaudit command is in it, as
`--help` prints it. Run `caseaudit cli-reference --write` after changing a command."""

from __future__ import annotations

from caseaudit.serving.cli_reference import (
    caseaudit_commands,
    readme_path,
    readme_with_reference,
)


def test_the_readme_reference_matches_every_commands_help():
    readme = readme_path().read_text(encoding="utf-8")
    assert readme_with_reference(readme) == readme, (
        "The README's command line reference differs from the commands' --help: run "
        "`caseaudit cli-reference --write` and commit the README."
    )


def test_every_command_is_in_it_with_a_description():
    readme = readme_path().read_text(encoding="utf-8")
    for name, command in caseaudit_commands().items():
        assert f"#### `caseaudit {name.replace('_', '-')}`" in readme
        assert command.help, f"caseaudit {name} has no help"


def test_every_command_s_help_gives_an_example():
    lacking = [
        name for name, command in caseaudit_commands().items() if "Example: caseaudit" not in command.help
    ]
    assert not lacking, f"commands whose --help gives no example: {', '.join(lacking)}"


def test_every_example_is_one_the_command_accepts():
    """Each example parses with its command's own arguments: an example that would not run misleads."""
    import shlex

    from django.core.management.base import CommandParser

    for name, command in caseaudit_commands().items():
        example = command.help.split("Example: ", 1)[1]
        words = shlex.split(example)
        assert words[:2] == ["caseaudit", name.replace("_", "-")], example
        parser = CommandParser(prog=f"caseaudit {name}", called_from_command_line=False)
        command.add_arguments(parser)
        parser.parse_args(words[2:])  # raises CommandError, naming what is wrong, for one it refuses
