"""The one exception type users see.

Every problem a user can fix (a bad `lab.yaml` field, a missing column, a changed data file)
is raised as `LabError` with one sentence naming the file, the field and the fix. The command
line prints that sentence alone, never a traceback.
"""


class LabError(Exception):
    """A problem in the user's inputs, explained in one actionable sentence."""


class NotebookFailed(LabError):
    """A notebook cell raised; the message names the notebook, cell, error and saved copy."""


def explain_field_error(error: dict, where: str) -> str:
    """One pydantic validation error as "field 'x' <what is wrong>; <fix> in <where>".

    Shared by lab.yaml, data/manifest.yaml and the ethics register so every file speaks alike.
    """
    field = ".".join(str(part) for part in error["loc"])
    kind, value = error["type"], error.get("input")
    message = error["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return f"field '{field}' is missing; add it to {where}"
    if kind == "extra_forbidden":
        return f"field '{field}' is not a known field; remove it or correct its spelling in {where}"
    if isinstance(value, dict) or not field:  # a check across fields, e.g. split fractions together
        return f"{f'section {field!r}: ' if field else ''}{message}; correct it in {where}"
    if kind == "literal_error":
        choices = error.get("ctx", {}).get("expected", "").replace("'", "").replace(" or ", ", ")
        problem = f"must be one of {choices}"
    elif kind.startswith("bool"):
        problem = "must be true or false"
    elif kind.startswith(("date", "datetime")):
        problem = "must be a date written YYYY-MM-DD"
    elif kind == "string_too_short":
        problem = "must not be empty"
    elif kind == "string_type":
        problem = "must be text (put it in quotes)"
    else:
        problem = message.replace("Input should be", "must be", 1)
        problem = problem[0].lower() + problem[1:]
    return f"field '{field}' {problem}, not {value!r}; correct it in {where}"
