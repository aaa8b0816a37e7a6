import io
import itertools

import numpy as np
import pandas as pd
import pytest
from planted_motifs import one_thread, planted_motif_set, planted_pwm  # noqa: F401 (one_thread: autouse fixture)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.interpretation.interpret import importance_agreement
from {{ cookiecutter.module_name }}_engine.interpretation.plots import motif_comparison, position_attribution
from {{ cookiecutter.module_name }}_engine.interpretation.tables import COLUMNS
from {{ cookiecutter.module_name }}_engine.modalities.sequence.motifs import (
    kmer_attribution_table,
    motif_correlation,
    position_profile,
    recovered_motif,
    sequence_attributions,
)
from {{ cookiecutter.module_name }}_engine.modalities.sequence.network import TorchCNNClassifier
from {{ cookiecutter.module_name }}_engine.models.nets import TorchMLPClassifier

WIDTH = 8


def _pipeline(X, y, **settings):
    network = TorchCNNClassifier(**{"epochs": 60, "seed": 0, **settings})
    return Pipeline([("prep", FunctionTransformer()), ("model", network)]).fit(X, y)


@pytest.fixture(scope="module")
def study():
    pwm = planted_pwm()
    (X, y), (X_tune, y_tune) = planted_motif_set(720, pwm, seed=1), planted_motif_set(240, pwm, seed=2)
    positives = X_tune[y_tune == "motif"]
    return {"pwm": pwm, "X": X, "y": y, "positives": positives, "model": _pipeline(X, y)}


def _recovered(model, positives):
    attributions, onehot, _ = sequence_attributions(model, positives)
    return recovered_motif(attributions, onehot, WIDTH)


def test_attributions_have_one_value_per_position_and_letter(study):
    positives = study["positives"][:20]
    attributions, onehot, convergence = sequence_attributions(study["model"], positives, n_steps=16)
    assert attributions.shape == onehot.shape == (20, 80, 4)
    assert attributions.dtype == onehot.dtype == np.float64
    np.testing.assert_array_equal(onehot.reshape(20, -1), positives)
    assert set(convergence) == {"max_abs_delta", "mean_abs_delta", "n_steps"} and convergence["n_steps"] == 16
    assert 0 <= convergence["mean_abs_delta"] <= convergence["max_abs_delta"]
    assert np.all(attributions[onehot == 0] == 0)  # from an all-zero baseline, absent letters carry nothing
    profile = position_profile(attributions)
    assert profile.shape == (80,)
    np.testing.assert_allclose(profile, attributions.sum(axis=2).mean(axis=0))
    flipped, _, _ = sequence_attributions(study["model"], positives, n_steps=16, positive_class="background")
    np.testing.assert_allclose(flipped, -attributions)


def test_recovered_motif_matches_the_planted_one_and_controls_do_not(study):
    pwm, positives = study["pwm"], study["positives"]
    recovered = _recovered(study["model"], positives)
    assert recovered["width"] == WIDTH and recovered["n_sequences"] == len(positives)
    assert len(recovered["window_starts"]) == len(positives)
    np.testing.assert_allclose(np.sum(recovered["pwm"], axis=1), 1.0, atol=1e-5)
    real = motif_correlation(recovered["pwm"], pwm)
    assert real["pearson"] > 0.7

    # the planted motif with its letters relabelled: same shape and information, other letters
    relabelled = [
        motif_correlation(recovered["pwm"], pwm[:, list(order)])["pearson"]
        for order in itertools.permutations(range(4))
        if order != (0, 1, 2, 3)
    ]
    assert max(relabelled) < real["pearson"] - 0.3 and np.mean(relabelled) < 0.5

    untrained = _recovered(_pipeline(study["X"], study["y"], epochs=0), positives)
    assert motif_correlation(untrained["pwm"], pwm)["pearson"] < real["pearson"] - 0.3
    labels = np.random.default_rng(0).permutation(study["y"])
    shuffled = _recovered(_pipeline(study["X"], labels), positives)
    assert motif_correlation(shuffled["pwm"], pwm)["pearson"] < real["pearson"] - 0.3


def test_window_selection_by_hand():
    onehot = np.zeros((2, 6, 2))
    onehot[0, :, 0] = 1  # AAAAAA
    onehot[1, :4, 1] = 1  # BBBB then two padding positions
    attributions = np.zeros((2, 6, 2))
    attributions[0, [3, 4], 0] = [1.0, 2.0]  # best 2-window of sequence 0 starts at 3
    attributions[1, [0, 3], 1] = [1.0, 1.5]  # windows (2,3) and (3,4) tie at 1.5: the first one wins
    result = recovered_motif(attributions, onehot, 2, align=False)
    assert result["window_starts"] == [3, 2]
    assert result["pwm"] == [[0.5, 0.5], [0.5, 0.5]]
    attributions[1, [4, 5], 0] = 9.0  # now window (4,5) wins, whose letters are padding
    result = recovered_motif(attributions, onehot, 2, align=False)
    assert result["window_starts"] == [3, 4]
    assert result["pwm"] == [[1.0, 0.0], [1.0, 0.0]]  # padding rows are not counted
    with pytest.raises(LabError, match="motif width"):
        recovered_motif(attributions, onehot, 7)


def test_motif_correlation_finds_a_known_shift():
    pwm = planted_pwm("ACGTTGCA", strength=0.85)
    background = np.full((1, 4), 0.25)
    recovered = np.vstack([background, pwm[:-1]])  # the motif one position to the right
    result = motif_correlation(recovered, pwm, max_shift=2)
    assert result == {"pearson": 1.0, "shift": -1, "overlap": 7}
    assert motif_correlation(pwm, pwm) == {"pearson": 1.0, "shift": 0, "overlap": 8}
    assert motif_correlation(recovered, pwm, max_shift=0)["pearson"] < 0.5
    with pytest.raises(LabError, match="cannot be compared"):
        motif_correlation(pwm[:, :3], pwm)


def test_kmer_attribution_table_by_hand():
    onehot = np.zeros((2, 4, 2))
    onehot[0, [0, 1, 2, 3], [0, 0, 1, 0]] = 1  # A A B A
    onehot[1, [0, 1, 2], [1, 1, 0]] = 1  # B B A, then padding
    attributions = onehot * np.array([[1.0], [2.0], [3.0], [4.0]])  # attribution = position + 1 on its letter
    table = kmer_attribution_table(attributions, onehot, "AB", 2)
    assert list(table.columns) == COLUMNS
    per_sequence = {"AA": [3, 0], "AB": [5, 0], "BA": [7, 5], "BB": [0, 3]}
    expected = {kmer: np.mean(values) for kmer, values in per_sequence.items()}
    assert dict(zip(table["feature"], table["importance_mean"], strict=True)) == pytest.approx(expected)
    assert table["feature"].tolist() == ["BA", "AB", "AA", "BB"]  # most attributed first; ties alphabetical
    std = table.set_index("feature")["importance_std"]
    assert std["BA"] == pytest.approx(np.std([7, 5], ddof=1))
    reversed_letters = kmer_attribution_table(attributions[..., ::-1], onehot[..., ::-1], "BA", 2)
    pd.testing.assert_frame_equal(reversed_letters, table)
    with pytest.raises(LabError, match="letters"):
        kmer_attribution_table(attributions, onehot, "ACGT", 2)


def test_kmer_table_compares_with_other_importances(study):
    attributions, onehot, _ = sequence_attributions(study["model"], study["positives"][:30], n_steps=8)
    table = kmer_attribution_table(attributions, onehot, "ACGT", 2)
    assert table["importance_mean"].is_monotonic_decreasing
    assert sorted(table["feature"]) == [a + b for a in "ACGT" for b in "ACGT"]
    assert importance_agreement(table, table) == 1.0


def test_attributions_need_a_fitted_sequence_network(study):
    X, y = study["X"][:40], study["y"][:40]
    mlp = Pipeline([("prep", FunctionTransformer()), ("model", TorchMLPClassifier(epochs=1))]).fit(X, y)
    with pytest.raises(LabError, match="sequence network"):
        sequence_attributions(mlp, X)
    with pytest.raises(LabError, match="positive_class"):
        sequence_attributions(study["model"], X[:2], positive_class="enhancer")


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60, metadata={"Software": None})
    return buffer.getvalue()


def test_motif_figures_show_both_motifs_and_are_reproducible():
    planted = planted_pwm("ACGT", strength=0.85)
    recovered = np.vstack([planted[1:], np.full((1, 4), 0.25)])
    correlation = motif_correlation(recovered, planted, max_shift=1)
    fig = motif_comparison(recovered, planted, "ACGT", correlation)
    heatmaps = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in heatmaps] == ["Planted motif", "Recovered from attributions"]
    assert "Pearson correlation 1.00, recovered shifted by +1" in fig.get_suptitle()
    assert [t.get_text() for t in heatmaps[0].texts] == ["A", "C", "G", "T"]  # consensus letters marked
    assert _png(fig) == _png(motif_comparison(recovered, planted, "ACGT", correlation))
    alone = motif_comparison(recovered, None, "ACGT")
    assert len([ax for ax in alone.axes if ax.get_images()]) == 1

    profile = np.sin(np.linspace(0, 3, 30))
    fig = position_attribution(profile, example=profile * 2)
    ax = fig.axes[0]
    assert len(ax.lines) == 3 and list(ax.lines[1].get_ydata()) == list(profile)
    assert _png(fig) == _png(position_attribution(profile, example=profile * 2))


CORE = "TGACTCAGCATGCA"  # a 14-letter core


def _core_set(n=60, length=80, seed=0, reverse_share=0.0, noise=0.3):
    """Attributions as a network gives them: high over a planted 14-letter core, noisy elsewhere.

    Which 10 of the 14 letters score best varies with the noise, so the best windows land at
    different offsets on the core; `reverse_share` of the cores sit on the other strand.
    """
    rng = np.random.default_rng(seed)
    pwm = planted_pwm(CORE, strength=0.8)
    letters = rng.integers(0, 4, size=(n, length))
    weight = rng.normal(0, noise, size=(n, length))
    for i in range(n):
        start = rng.integers(0, length - len(CORE) + 1)
        site = np.array([rng.choice(4, p=p) for p in pwm])
        letters[i, start:start + len(CORE)] = 3 - site[::-1] if rng.random() < reverse_share else site
        weight[i, start:start + len(CORE)] += 1.0
    onehot = np.zeros((n, length, 4))
    onehot[np.arange(n)[:, None], np.arange(length)[None, :], letters] = 1.0
    return onehot * weight[:, :, None], onehot, pwm


@pytest.mark.parametrize("reverse_share", [0.0, 0.3])
def test_aligned_windows_recover_a_planted_14_letter_core(reverse_share):
    attributions, onehot, pwm = _core_set(reverse_share=reverse_share)
    aligned = recovered_motif(attributions, onehot, 10, letters="ACGT")
    stacked = recovered_motif(attributions, onehot, 10, letters="ACGT", align=False)
    assert len({start for start in aligned["window_starts"]}) > 10  # the core sits anywhere along the sequences
    match = motif_correlation(aligned["pwm"], pwm)
    assert match["pearson"] >= 0.8 and 0 <= match["shift"] <= 4 and match["overlap"] == 10
    assert aligned["consensus"] == CORE[match["shift"]: match["shift"] + 10]
    assert len(aligned["information_content"]) == 10 and min(aligned["information_content"]) > 0.5
    assert motif_correlation(stacked["pwm"], pwm)["pearson"] < match["pearson"] - 0.1  # unaligned windows blur
    if reverse_share:
        assert any(reverse for _, reverse in aligned["placements"])


def test_a_local_motif_file_names_the_family_the_recovered_motif_resembles(tmp_path):
    from {{ cookiecutter.module_name }}_engine.modalities.sequence.motif_align import closest_known, read_known_motifs

    attributions, onehot, pwm = _core_set()
    recovered = recovered_motif(attributions, onehot, 10, letters="ACGT")
    counts = np.round(pwm * 100).astype(int)
    decoy = np.round(planted_pwm("GGGGCCCCAAAATT", strength=0.8) * 100).astype(int)
    reverse = counts[::-1][:, ::-1]  # the core written on the other strand
    text = "".join(f">{name}\n" + "".join(f"{letter} [ {' '.join(map(str, matrix[:, k]))} ]\n"
                                          for k, letter in enumerate("ACGT"))
                   for name, matrix in (("MA9999.1 DECOY", decoy), ("MA0001.1 CORE-REV", reverse)))
    (tmp_path / "motifs.jaspar").write_text(text)
    known = read_known_motifs(tmp_path / "motifs.jaspar", "ACGT")
    assert list(known) == ["MA9999.1 DECOY", "MA0001.1 CORE-REV"]
    found = closest_known(recovered["pwm"], known, "ACGT", motif_correlation)
    assert found["resembles"] == "MA0001.1 CORE-REV" and found["ranked"][0]["strand"] == "-"
    assert found["ranked"][0]["pearson"] >= 0.8 > found["ranked"][1]["pearson"]
    only_decoy = closest_known(recovered["pwm"], {"decoy": known["MA9999.1 DECOY"]}, "ACGT", motif_correlation)
    assert only_decoy["resembles"] is None  # nothing is named below the threshold
    with pytest.raises(LabError, match="sequence.known_motifs"):
        read_known_motifs(tmp_path / "absent.jaspar", "ACGT")
