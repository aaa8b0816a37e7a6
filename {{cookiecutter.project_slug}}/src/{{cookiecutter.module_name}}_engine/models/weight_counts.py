"""How many weights a network's dense layers have: arithmetic every architecture shares, without PyTorch."""


def dense_weights(n_inputs: int, hidden, n_outputs: int) -> int:
    """Weights and biases of nets.MLP (and of the CNNs' dense heads): one Linear per hidden layer, then the output."""
    total, width = 0, int(n_inputs)
    for size in [hidden] if isinstance(hidden, int) else hidden:
        total += width * int(size) + int(size)
        width = int(size)
    return total + width * int(n_outputs) + int(n_outputs)
