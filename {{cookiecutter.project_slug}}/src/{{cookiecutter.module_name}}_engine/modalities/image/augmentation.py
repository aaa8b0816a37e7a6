"""Does augmentation help? The image network with and without it, at equal budget (notebook 03, Tips 5, 6)."""

from ...common.sections import Section
from ...models.fitting import fit_network


def augmentation_check(network, params, X_train, y_train, X_tune, y_tune, task, metric, seed) -> Section:
    """The starting network refitted with augmentation switched the other way; both scored on tune."""
    augmentation = {"score": metric}
    for augment in (False, True):
        other = network if augment == params.get("augment") else fit_network(
            task.make_network(X_train, {**params, "augment": augment}, seed=seed), X_train, y_train,
            (X_tune, y_tune))
        augmentation["with" if augment else "without"] = {
            "tune_score": task.score(other, X_tune, y_tune, metric),
            "train_score": task.score(other, X_train, y_train, metric),
            "stopped_epoch": other[-1].stopped_epoch_, "best_epoch": other[-1].best_epoch_}
    augmentation["gain"] = augmentation["with"]["tune_score"] - augmentation["without"]["tune_score"]
    augmentation["budget"] = f"{params['epochs']} epochs at most, early stopping on the tune loss, seed {seed}"
    lines = [f"{key:>7} augmentation: tune {task.metric_label(metric)} {augmentation[key]['tune_score']:.4f}, train "
             f"{augmentation[key]['train_score']:.4f}, stopped after {augmentation[key]['stopped_epoch']} epoch(s)"
             for key in ("without", "with")]
    lines.append(f"gain from augmentation on tune: {augmentation['gain']:+.4f} ({augmentation['budget']})")
    return Section(lines=lines, artifact="03_augmentation", record=augmentation)
