"""Sanity checks of a classifier network (Tip 3): its initial loss, a tiny sample memorised, its head's words."""

from ...models.net_checks import expected_initial_loss, overfit_tiny_sample
from ..views import NetworkView


def _memorised(tiny) -> str:
    return (f"{tiny['n_samples']} samples, {tiny['epochs']} epochs: training accuracy {tiny['train_accuracy']:.3f} "
            f"(target {tiny['target_accuracy']}), final loss {tiny['final_train_loss']:.4f}")


def _memorise(X, y, params, seed, n_samples):
    return overfit_tiny_sample(X, y, params, seed=seed, n_samples=n_samples)


HEAD = NetworkView(
    expected_initial_loss=lambda net, y_train: expected_initial_loss(len(net.classes_)),
    head_checks=lambda net, metric: {}, loss_label=lambda net: "loss (cross-entropy)", memorise=_memorise,
    memorised=_memorised, validation_words="ROC-AUC",
)
