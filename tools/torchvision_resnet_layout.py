"""Write the state-dict layout (names, shapes, dtypes; no weights) of torchvision's resnet18 for the project tests.

The baked project's ResNet-18 (image_nets.ResNet18) must load a checkpoint saved by torchvision
as is; its test compares against this layout. Needs the torchvision wheel from PyPI unpacked on
sys.path. That wheel's compiled operators do not match the CPU build of torch, so its import is let
through by skipping the registration of those operators' fake kernels (resnet18 does not use them).

Run from the template's root:  .venv/bin/python tools/torchvision_resnet_layout.py /path/to/unpacked/torchvision
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
import torch.library

OUT = Path(__file__).resolve().parents[1] / "{{cookiecutter.project_slug}}" / "tests" / "fixtures"
FILE = OUT / "torchvision_resnet18_layout.json"


def import_torchvision(where: str):
    sys.path.insert(0, where)
    real = torch.library.register_fake

    def lenient(*args, **kwargs):
        try:
            inner = real(*args, **kwargs)
        except RuntimeError:
            return lambda fn: fn

        def apply(fn):
            try:
                return inner(fn)
            except RuntimeError:  # the operator is missing from this torch build
                return fn
        return apply

    torch.library.register_fake = lenient
    try:
        import torchvision
    finally:
        torch.library.register_fake = real
    return torchvision


def main() -> None:
    torchvision = import_torchvision(sys.argv[1])
    from torchvision.models import resnet18

    state = resnet18(weights=None).state_dict()
    rows = [json.dumps([name, list(t.shape), str(t.dtype).removeprefix("torch.")]) for name, t in state.items()]
    source = (f"torchvision {torchvision.__version__} resnet18(weights=None).state_dict() with torch "
              f"{torch.__version__}: names, shapes and dtypes in order (no weights)")
    OUT.mkdir(parents=True, exist_ok=True)
    FILE.write_text('{"source": ' + json.dumps(source) + ',\n "tensors": [\n  ' + ",\n  ".join(rows) + "\n]}\n")
    print(f"{len(rows)} tensors -> {FILE}")


if __name__ == "__main__":
    main()
