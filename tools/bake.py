"""Bake a project from this template: `cookiecutter`, with answers checked first.

    python tools/bake.py [cookiecutter options] [key=value ...]     (or: make bake ARGS='modality=sequence')

The template is always this repository; the arguments are cookiecutter's options and answers.

cookiecutter itself refuses a command-line answer outside a field's choices
(`modality=image`, `sensitive_data=maybe`) with its own Python traceback, before the template's
pre-generation hook can explain anything. This wrapper checks such answers, and the
`default_context` of the user config cookiecutter would read, against cookiecutter.json first
and prints one sentence; everything else goes to cookiecutter unchanged (its hooks check the rest).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
BOOLEAN_WORDS = {"1", "true", "t", "yes", "y", "on", "0", "false", "f", "no", "n", "off"}
OPTIONS_WITH_VALUE = {"-o", "--output-dir", "--config-file", "-c", "--checkout", "--directory", "--replay-file"}


def choices(context: dict) -> dict[str, list]:
    """The fields of cookiecutter.json that take one of a list of answers, and booleans (as [True, False])."""
    fields = {key: value for key, value in context.items() if isinstance(value, list) and not key.startswith("_")}
    fields.update({key: [True, False] for key, value in context.items() if isinstance(value, bool)})
    return fields


def problem(field: str, value, allowed: list, where: str) -> str | None:
    """One sentence when `value` is not an allowed answer of `field`, else None."""
    if allowed == [True, False]:
        if isinstance(value, bool) or str(value).strip().lower() in BOOLEAN_WORDS:
            return None
        return f"ERROR: {field} {value!r}{where} is not yes or no; answer {field}=yes or {field}=no."
    if value in allowed:
        return None
    return f"ERROR: {field} {value!r}{where} is not one of: {', '.join(map(str, allowed))}; pick one of those."


def split_arguments(argv: list[str]) -> tuple[dict[str, str], str | None, bool]:
    """The key=value answers, the --config-file given (if any) and whether --default-config was given."""
    answers, config, default, skip = {}, None, False, False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg in OPTIONS_WITH_VALUE:
            skip = True
            if arg == "--config-file" and index + 1 < len(argv):
                config = argv[index + 1]
        elif arg.startswith("--config-file="):
            config = arg.split("=", 1)[1]
        elif arg == "--default-config":
            default = True
        elif "=" in arg and not arg.startswith("-"):
            key, value = arg.split("=", 1)
            answers[key] = value
    return answers, config, default


def user_config_answers(config: str | None, default: bool) -> tuple[dict, str]:
    """The default_context cookiecutter would read from the user config, and that file's name."""
    if default:
        return {}, ""
    path = config or os.environ.get("COOKIECUTTER_CONFIG") or str(Path("~/.cookiecutterrc").expanduser())
    if not Path(path).is_file():
        return {}, path
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return {}, path  # cookiecutter explains a broken config itself
    context = data.get("default_context") if isinstance(data, dict) else None
    return (context if isinstance(context, dict) else {}), path


def check(argv: list[str], template: Path = TEMPLATE) -> str | None:
    """The first problem with the answers in `argv` or the user config, as one sentence; None when fine."""
    fields = choices(json.loads((template / "cookiecutter.json").read_text(encoding="utf-8")))
    answers, config, default = split_arguments(argv)
    given, path = user_config_answers(config, default)
    for source, where in ((given, f" in the user config {path}"), (answers, "")):
        for field, value in source.items():
            if field in fields:
                sentence = problem(field, value, fields[field], where)
                if sentence:
                    return sentence
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    sentence = check(argv)
    if sentence:
        print(sentence, file=sys.stderr)
        return 1
    argv.insert(0, str(TEMPLATE))  # always this template; the arguments are cookiecutter's options and answers
    return bake(argv)


def bake(argv: list[str]) -> int:
    """Run cookiecutter with its own command-line options; a failure prints one line, never a traceback."""
    import logging

    import click
    from cookiecutter.cli import main as command
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.main import cookiecutter

    logger = logging.getLogger("cookiecutter")  # its hook-failure traceback would follow the hook's sentence
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    try:
        with command.make_context("cookiecutter", argv) as context:
            params = context.params
    except click.exceptions.Exit as done:  # --help, --version
        return done.exit_code
    except click.ClickException as error:
        print(f"ERROR: {error.format_message()}", file=sys.stderr)
        return 2
    extra = dict(params["extra_context"] or {})
    try:
        project = cookiecutter(
            params["template"], params["checkout"], params["no_input"], extra_context=extra or None,
            replay=params["replay"] or params["replay_file"], overwrite_if_exists=params["overwrite_if_exists"],
            output_dir=params["output_dir"], config_file=params["config_file"],
            default_config=params["default_config"], directory=params["directory"],
            skip_if_file_exists=params["skip_if_file_exists"], accept_hooks=params["accept_hooks"] != "no",
            keep_project_on_failure=params["keep_project_on_failure"],
        )
    except FailedHookException:
        return 1  # the hook has printed its one sentence
    except (CookiecutterException, ValueError, OSError) as error:
        print(f"ERROR: {str(error).splitlines()[0].removeprefix('Error: ')}", file=sys.stderr)
        return 1
    print(project)
    return 0


if __name__ == "__main__":
    sys.exit(main())
