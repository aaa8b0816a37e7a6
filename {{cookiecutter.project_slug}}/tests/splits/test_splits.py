import numpy as np
import pytest
from conftest import edit_yaml

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.data.loading import load_dataset
from {{ cookiecutter.module_name }}_engine.data.provenance import sha256_file
from {{ cookiecutter.module_name }}_engine.settings.config import load_config
from {{ cookiecutter.module_name }}_engine.splits.making import (
    Split,
    check_leakage,
    groups_crossing,
    leakage_report,
    make_split,
)
from {{ cookiecutter.module_name }}_engine.splits.split import (
    load_or_make_split,
    new_split,
    read_split_record,
    save_split_record,
    split_settings,
)


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


# the persisted split and the leakage report ------------------------------------------------
DATA = "data/external/breast_cancer_wisconsin.csv"


def _open(project, overrides=None):
    cfg = load_config(project / "lab.yaml", overrides)
    return cfg, load_dataset(cfg, project), sha256_file(project / DATA)


def test_split_is_made_once_then_reused_from_data_splits(project):
    cfg, data, sha = _open(project)
    split, record, is_new = load_or_make_split(cfg, project, data, sha, "lab")
    assert is_new and read_split_record(project, cfg) is None  # nothing written before the leakage check
    path = save_split_record(project, record)
    assert path == project / "data/splits/breast_cancer_wisconsin.json"
    assert record["data_sha256"] == sha and record["settings"]["seed"] == cfg.split_seed
    again, _, is_new = load_or_make_split(cfg, project, data, sha, "lab")
    assert not is_new and np.array_equal(again.test, split.test)


def test_model_seed_changes_keep_the_recorded_split(project):
    cfg, data, sha = _open(project)
    save_split_record(project, load_or_make_split(cfg, project, data, sha, "lab")[1])
    cfg7 = load_config(project / "lab.yaml", {"seed": 7})
    assert split_settings(cfg7) == split_settings(cfg)
    load_or_make_split(cfg7, project, data, sha, "lab")  # accepted: split.seed is its own field


def test_split_seed_defaults_to_the_study_seed(project):
    edit_yaml(project / "lab.yaml", **{"split.seed": None, "seed": 11})
    assert load_config(project / "lab.yaml").split_seed == 11


def test_changed_settings_or_data_are_refused_with_the_fix(project):
    cfg, data, sha = _open(project)
    save_split_record(project, load_or_make_split(cfg, project, data, sha, "lab")[1])
    other = load_config(project / "lab.yaml", {"split.tune": 0.25})
    with pytest.raises(LabError, match=r"other settings.*tune 0\.2 → 0\.25.*lab split --new"):
        load_or_make_split(other, project, data, sha, "lab")
    with pytest.raises(LabError, match=r"another version of data/external.*split --new.*changes the test set"):
        load_or_make_split(cfg, project, data, "f" * 64, "lab")


def test_new_split_keeps_the_previous_one_in_its_history(project):
    cfg, data, sha = _open(project)
    first = load_or_make_split(cfg, project, data, sha, "lab")[1]
    save_split_record(project, first)
    edit_yaml(project / "lab.yaml", **{"split.seed": 5})
    cfg5 = load_config(project / "lab.yaml")
    record = new_split(cfg5, project, data, sha)
    assert record["previous"][0]["test_sha256"] == first["test_sha256"]
    assert record["test_sha256"] != first["test_sha256"]
    load_or_make_split(cfg5, project, data, sha, "lab")  # the new one is now the recorded one


def test_leakage_report_names_groups_duplicates_and_near_duplicates():
    split = Split(np.array([0, 1, 2]), np.array([3]), np.array([4, 5]))
    ids = np.array(["s0", "s1", "s2", "s3", "s4", "s5"])
    groups = np.array(["p1", "p2", "p3", "p4", "p1", "p5"])
    report = leakage_report(split, ids, groups, duplicate_groups=[[1, 2], [2, 5]], near_pairs=[(0, 1), (2, 3)])
    assert report == {"groups": ["p1"], "duplicates": ["s2", "s5"], "near_duplicates": ["s2", "s3"]}
    with pytest.raises(LabError, match=r"duplicates s2, s5; near duplicates s2, s3.*data.group_column"):
        check_leakage(report, "data/x.csv", "lab")
    check_leakage({"groups": [], "duplicates": [], "near_duplicates": []}, "data/x.csv", "lab")


def test_the_split_folder_ships_and_is_kept_under_version_control():
    from conftest import PROJECT

    assert (PROJECT / "data/splits/README.md").is_file()
    ignored = [line.strip().rstrip("/") for line in (PROJECT / ".gitignore").read_text().splitlines()]
    assert not {"data", "data/splits", "splits", "*.jsonl"} & set(ignored)


def _sites(n_sites, seed):
    """Samples from `n_sites` sites; about half the sites saw only one class."""
    rng = np.random.default_rng(seed)
    groups = np.repeat([f"site{i}" for i in range(n_sites)], rng.integers(5, 40, n_sites))
    y = np.array(["a" if rng.random() < 0.5 else "b" for _ in groups])
    for site in rng.choice(n_sites, n_sites // 2, replace=False):
        y[groups == f"site{site}"] = rng.choice(["a", "b"])
    return y, groups


def test_grouped_split_tries_other_arrangements_until_every_part_holds_every_class():
    from {{ cookiecutter.module_name }}_engine.splits.guards import class_counts, missing_classes
    from {{ cookiecutter.module_name }}_engine.splits.making import _grouped_part

    y, groups = _sites(5, 0)
    rest, test, _ = _grouped_part(y, groups, np.arange(len(y)), 0.2, 0)
    train, tune, _ = _grouped_part(y, groups, rest, 0.25, 0)
    assert missing_classes(Split(train, tune, test), y)  # the first arrangement leaves a class out
    split = make_split(y, groups, 0.6, 0.2, seed=0)
    assert not missing_classes(split, y) and groups_crossing(split, groups) == []
    assert all(n > 0 for part in class_counts(split, y).values() for n in part.values())


def test_three_sites_that_cannot_cover_every_class_stop_the_split_naming_the_grouping():
    groups = np.repeat(["north", "south", "east"], [40, 40, 40])
    y = np.array(["a"] * 40 + ["b"] * 20 + ["c"] * 20 + ["a"] * 20 + ["c"] * 20)
    with pytest.raises(LabError) as caught:
        make_split(y, groups, 0.34, 0.33, seed=0, grouping="data.group_column 'site'")
    message = str(caught.value)
    assert "data.group_column 'site'" in message and "3 groups" in message
    assert "lacks" in message and "'b' 0" in message  # a part without class b, with the counts
    assert "split.train" in message and "leaving one group out" in message
    assert message.count(". ") == 0  # one sentence
