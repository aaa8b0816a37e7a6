"""PyTorch's deterministic algorithms switched on, without importing its compiler."""

import os
import sys

import torch


def deterministic_algorithms():
    """torch.use_deterministic_algorithms(True), without importing the compiler when it is not loaded.

    The public call also sets the compiler's (inductor's) own deterministic switch, and importing
    the compiler for that costs about 0.9 CPU-s in every kernel and worker, none of which compiles.
    When the compiler is not loaded, the same flag is set directly and the compiler's switch is left
    to its environment variable (TORCHINDUCTOR_DETERMINISTIC=1), which it reads when first imported:
    both switches end up as the public call leaves them (tested).
    """
    os.environ["TORCHINDUCTOR_DETERMINISTIC"] = "1"  # as the public call sets it
    direct = getattr(torch._C, "_set_deterministic_algorithms", None)
    if "torch._inductor.config" in sys.modules or direct is None:
        torch.use_deterministic_algorithms(True)
    else:
        direct(True, warn_only=False)

