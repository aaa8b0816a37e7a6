import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import json, sys
import torch
SWITCH
state = [torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()]
compiler_loaded = "torch._inductor" in sys.modules
import torch._inductor.config as inductor
print(json.dumps(dict(flags=state, compiler_loaded=compiler_loaded, compiler=inductor.deterministic)))
"""


def _state(switch):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    env.pop("TORCHINDUCTOR_DETERMINISTIC", None)
    result = subprocess.run([sys.executable, "-c", SCRIPT.replace("SWITCH", switch)], capture_output=True, text=True,
                            cwd=root, env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("switch", [
    "from {{ cookiecutter.module_name }}_engine.models.nets import seed_everything; seed_everything(3)",
    "from {{ cookiecutter.module_name }}_engine.tuning.search import _init_worker; _init_worker()",
])
def test_kernels_and_workers_switch_both_deterministic_flags_as_torch_does_without_loading_the_compiler(switch):
    public = _state("torch.use_deterministic_algorithms(True)")
    ours = _state(switch)
    assert public["compiler_loaded"] is True  # what the public call costs
    assert ours["compiler_loaded"] is False
    assert ours["flags"] == public["flags"] == [True, False]
    assert ours["compiler"] is public["compiler"] is True  # the compiler, once imported, compiles deterministically
