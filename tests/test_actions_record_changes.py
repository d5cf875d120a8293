"""Every change of state is an action function that records a change event.

This walks every app's `actions` module (or package) and checks that each public function defined there
is wrapped by `@changes_state`, which refuses to return without a change event; and that no function
wrapped by it is defined anywhere else, so the actions modules are the one place to look."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import caseaudit

APPS = ("accounts", "signin", "cases", "cycles", "audits", "improvement", "compliance", "reports", "records")


def _modules(package_name: str):
    """The module and, for a package, every module inside it."""
    try:
        module = importlib.import_module(package_name)
    except ModuleNotFoundError:
        return
    yield module
    if hasattr(module, "__path__"):
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package_name}."):
            yield importlib.import_module(info.name)


def _own_functions(module):
    for name, value in vars(module).items():
        if inspect.isfunction(value) and value.__module__ == module.__name__:
            yield name, value


def _is_action_module(name: str) -> bool:
    return ".actions." in f"{name}." and not name.startswith("caseaudit.accounts.changes")


def test_every_public_function_of_an_actions_module_records_its_change():
    found, unwrapped = [], []
    for app in APPS:
        for module in _modules(f"caseaudit.{app}.actions"):
            for name, function in _own_functions(module):
                if name.startswith("_"):
                    continue
                found.append(f"{module.__name__}.{name}")
                if not getattr(function, "changes_state", False):
                    unwrapped.append(f"{module.__name__}.{name}")
    assert found, "no actions modules found: has the layout changed?"
    assert not unwrapped, "public functions of actions modules not wrapped by @changes_state:\n" + "\n".join(
        unwrapped
    )


def test_state_changing_functions_live_only_in_actions_modules():
    stray = []
    for info in pkgutil.walk_packages(caseaudit.__path__, prefix="caseaudit."):
        if info.name.endswith("__main__") or ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        if _is_action_module(module.__name__):
            continue
        stray += [
            f"{module.__name__}.{name}"
            for name, function in _own_functions(module)
            if getattr(function, "changes_state", False)
        ]
    assert not stray, "action functions outside an actions module:\n" + "\n".join(stray)
