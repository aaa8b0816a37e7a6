"""The one exception type users see.

Every problem a user can fix (a bad `lab.yaml` field, a missing column, a changed data file)
is raised as `LabError` with one sentence naming the file, the field and the fix. The command
line prints that sentence alone, never a traceback.
"""


class LabError(Exception):
    """A problem in the user's inputs, explained in one actionable sentence."""


class NotebookFailed(LabError):
    """A notebook cell raised; the message names the notebook, cell, error and saved copy."""
