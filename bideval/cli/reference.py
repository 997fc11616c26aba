"""docs/cli.md, generated from the commands themselves so it cannot drift (a test compares).

    python -m bideval.cli.reference > docs/cli.md
"""

from __future__ import annotations

import typer.main

from bideval.cli import app


def reference() -> str:
    group = typer.main.get_command(app)
    lines = ["# bideval command reference", "",
             ("Generated from the commands' own help by `python -m bideval.cli.reference`; "
              "a test fails when this file and the commands disagree."), ""]  # fmt: skip
    # the app's own options (--version), given before any command
    own = [p for p in group.params if p.param_type_name == "option" and p.name != "help"]
    if own:
        lines += ["## `bideval`", "", "```", "bideval [OPTIONS] COMMAND [ARGS]...", "```", ""]
        lines += [f"- {_describe(p)}" for p in own] + [""]
    for name, command in _commands(group, "bideval"):
        lines += [f"## `{name}`", "", (command.help or "").strip(), ""]
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        options = [p for p in command.params if p.param_type_name == "option" and p.name != "help"]
        usage = " ".join([name] + [a.metavar or a.name.upper() for a in arguments] + ["[OPTIONS]"] * bool(options))
        lines += ["```", usage, "```", ""]
        for param in arguments + options:
            lines.append(f"- {_describe(param)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _commands(group, prefix: str):
    """Every command in registration order, with its full name; a group's commands follow its name
    (`bideval export ocds`)."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


def _describe(param) -> str:
    option = param.param_type_name == "option"
    names = ", ".join(f"`{o}`" for o in param.opts) if option else f"`{param.metavar or param.name.upper()}`"
    text = getattr(param, "help", None) or ""
    extra = []
    if param.required:
        extra.append("required")
    default = param.default
    if option and not param.required and default not in (None, False, [], ()):
        extra.append(f"default: {default}")
    return f"{names}: {text}" + (f" ({'; '.join(extra)})" if extra else "")


if __name__ == "__main__":
    print(reference(), end="")
