import numpy as np
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.registry import modality_named
from {{ cookiecutter.module_name }}_engine.tasks.classification.question import (
    CLASSICAL_FIRST,
    COLLECT_MORE,
    DEEP_PLAUSIBLE,
    assess_suitability,
)


def _labels(**counts):
    return np.concatenate([np.full(n, label, dtype=object) for label, n in counts.items()])


def test_a_class_below_the_floor_asks_for_more_data():
    result = assess_suitability(_labels(healthy=300, rare=40), n_features=20, modality=modality_named("tabular"))
    assert result["recommendation"] == COLLECT_MORE
    assert result["classes_below_floor"] == ["rare"]
    assert result["samples_per_class"] == {"healthy": 300, "rare": 40}
    assert result["imbalance_ratio"] == 7.5
    assert any("40" in reason and "100" in reason for reason in result["reasons"])


def test_enough_for_the_floor_but_not_plenty_starts_classical():
    result = assess_suitability(_labels(benign=357, malignant=212), n_features=30, modality=modality_named("tabular"))
    assert result["recommendation"] == CLASSICAL_FIRST
    assert result["n_samples"] == 569 and result["n_classes"] == 2
    assert result["samples_per_feature"] == pytest.approx(569 / 30, abs=1e-6)
    assert result["classes_below_floor"] == []


def test_plenty_of_samples_per_class_and_feature_makes_deep_learning_plausible():
    y = _labels(a=2000, b=1500)
    assert assess_suitability(y, n_features=50, modality=modality_named("sequence"))["recommendation"] == DEEP_PLAUSIBLE
    wide = assess_suitability(y, n_features=1000, modality=modality_named("sequence"))
    assert wide["recommendation"] == CLASSICAL_FIRST
    assert any("3.5 samples per feature" in reason for reason in wide["reasons"])


def test_floor_is_adjustable_and_integer_labels_become_text():
    y = np.repeat([0, 1], [150, 60])
    strict = assess_suitability(y, n_features=5, modality=modality_named("tabular"), floor=200)
    assert strict["classes_below_floor"] == ["0", "1"]
    loose = assess_suitability(y, n_features=5, modality=modality_named("tabular"), floor=50)
    assert loose["classes_below_floor"] == [] and loose["floor"] == 50


def test_impossible_inputs_are_lab_errors():
    with pytest.raises(LabError, match="one class"):
        assess_suitability(_labels(only=500), n_features=3, modality=modality_named("tabular"))
    with pytest.raises(LabError, match="n_features"):
        assess_suitability(_labels(a=200, b=200), n_features=0, modality=modality_named("tabular"))


def test_summary_states_the_recommendation_with_its_numbers():
    result = assess_suitability(_labels(benign=357, malignant=212), n_features=30, modality=modality_named("tabular"))
    assert result["summary"] == (
        "Start with classical models: 569 samples, smallest class 'malignant' with 212 (floor 100), "
        "19.0 samples per feature, largest-to-smallest class ratio 1.7."
    )


def test_groups_lower_the_effective_sample_size():
    result = assess_suitability(_labels(a=300, b=300), n_features=5, modality=modality_named("tabular"), n_groups=40)
    assert result["n_groups"] == 40
    assert "600 samples come from 40 groups" in result["reasons"][1]
    alone = assess_suitability(_labels(a=300, b=300), n_features=5, modality=modality_named("tabular"))
    assert alone["n_groups"] is None
