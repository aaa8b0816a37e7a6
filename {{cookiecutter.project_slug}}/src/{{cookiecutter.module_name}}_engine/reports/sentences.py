"""Sentences built from one record of a notebook (a paired comparison, a shuffled control), whatever the task."""

from __future__ import annotations

from .documents import family_name, fmt, label


def paired_text(p: dict, score_name: str = "roc_auc") -> str:
    """Notebook 05's paired bootstrap record in a sentence: who won, by how much, with its interval."""
    a, b = family_name(p.get("model_a")), family_name(p.get("model_b"))
    diff, low, high = p["difference"], p.get("low"), p.get("high")
    metric = label(str(p.get("metric") or score_name))
    scores = (f" ({metric} {fmt(p.get('score_a'))} against {fmt(p.get('score_b'))})"
              if p.get("score_a") is not None else "")
    span = f"{diff:+.3f} [95% paired bootstrap interval {low:+.3f} to {high:+.3f}]" if (
        low is not None and high is not None) else f"{diff:+.3f}"
    if p.get("excludes_zero"):
        winner, loser = (a, b) if diff > 0 else (b, a)
        return f"On the test split {winner} beat {loser}{scores}: difference {span}, an interval that excludes zero."
    return (f"On the test split {a} and {b} did not differ demonstrably{scores}: difference {span}, an interval "
            "that includes zero.")


def shuffled_sentence(family: str, c: dict, shuffled: str = "label") -> str:
    """One model against its shuffled-label refits (notebook 05's control) in a sentence, p-value floor included."""
    n = c.get("n_runs")
    floor = c.get("smallest_possible_p")
    verdict = (f"NOT above every shuffled-{shuffled} refit: it may have learned nothing real" if c.get("flagged")
               else f"above every shuffled-{shuffled} refit")
    null = f"shuffled refits {fmt(c.get('null_mean'))} on average" if c.get("null_mean") is not None else ""
    p = (f"p = {fmt(floor)} is the smallest possible with {n} refits (more refits, e.g. --profile full, "
         "can show a smaller one)" if floor is not None and c.get("p_value") == floor
         else f"p = {fmt(c.get('p_value'))} from {n} refits")
    name = family_name(family)
    return f"{name[0].upper()}{name[1:]} scored {fmt(c.get('observed'))} on the tune split ({null}), {verdict}; {p}."
