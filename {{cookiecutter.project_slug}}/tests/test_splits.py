import numpy as np
import pytest

from {{ cookiecutter.module_name }}.errors import LabError
from {{ cookiecutter.module_name }}.splits import Split, groups_crossing, make_split


def _labels(n=300, seed=0):
    return np.random.default_rng(seed).choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])


def test_split_is_a_stratified_partition_and_repeatable():
    y = _labels()
    split = make_split(y, None, 0.6, 0.2, seed=1)
    rows = np.concatenate([split.train, split.tune, split.test])
    assert sorted(rows) == list(range(len(y)))
    assert split.sizes() == {"train": 180, "tune": 60, "test": 60}
    for part in (split.tune, split.test):
        assert abs(np.mean(y[part] == "c") - np.mean(y == "c")) < 0.03
    again = make_split(y, None, 0.6, 0.2, seed=1)
    assert all(np.array_equal(getattr(split, p), getattr(again, p)) for p in ("train", "tune", "test"))


def test_grouped_split_keeps_groups_whole():
    y = _labels(400)
    groups = np.array([f"patient-{i // 4}" for i in range(400)])
    split = make_split(y, groups, 0.6, 0.2, seed=3)
    assert groups_crossing(split, groups) == []
    assert min(split.sizes().values()) > 40


def test_crossing_groups_are_reported():
    split = Split(np.array([0, 1]), np.array([2]), np.array([3]))
    assert groups_crossing(split, np.array(["g1", "g2", "g1", "g3"])) == ["g1"]


def test_class_too_small_for_the_split():
    y = np.array(["a"] * 50 + ["b"] * 2)
    with pytest.raises(LabError, match="'b' \\(2\\)"):
        make_split(y, None, 0.6, 0.2, seed=0)


def test_round_trip_by_ids_and_refusal_when_samples_vanish():
    y = _labels(50)
    ids = np.array([f"s{i}" for i in range(50)])
    split = make_split(y, None, 0.6, 0.2, seed=0)
    back = Split.from_dict(split.to_dict(ids), ids)
    assert np.array_equal(back.test, split.test)
    with pytest.raises(LabError, match="data changed"):
        Split.from_dict(split.to_dict(ids), ids[:10])
