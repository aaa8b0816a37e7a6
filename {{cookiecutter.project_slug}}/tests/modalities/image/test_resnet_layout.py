"""The module's ResNet-18 against the state-dict layout torchvision itself saves (tests/fixtures, see its "source")."""

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from {{ cookiecutter.module_name }}_engine.modalities.image.layers import ResNet18, load_resnet_weights  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LAYOUT = json.loads((FIXTURES / "torchvision_resnet18_layout.json").read_text())


def test_resnet18_has_torchvisions_tensor_names_shapes_and_dtypes_in_order():
    ours = [[name, list(t.shape), str(t.dtype).removeprefix("torch.")] for name, t in ResNet18().state_dict().items()]
    assert ours == LAYOUT["tensors"]


def test_a_checkpoint_written_in_torchvisions_layout_loads_and_every_tensor_lands(tmp_path):
    generator = torch.Generator().manual_seed(3)
    state = {}
    for name, shape, dtype in LAYOUT["tensors"]:
        if dtype == "int64":
            state[name] = torch.tensor(7, dtype=torch.int64)
        else:
            state[name] = torch.rand(shape, generator=generator, dtype=getattr(torch, dtype))
    path = tmp_path / "resnet18-from-torchvision.pth"
    torch.save(state, path)
    net = ResNet18()
    assert len(load_resnet_weights(net, path)) == 64
    loaded = net.state_dict()
    assert all(torch.equal(loaded[name], tensor) for name, tensor in state.items())
