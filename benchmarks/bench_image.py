"""Benchmark the image network's trainer against a plain DataLoader loop over the image files, side by side.

Bakes an image project (modality=image) into a temporary folder, draws its simulated cells (320
two-channel 16-bit 64x64 TIFFs), then, with the same seed, model (the project's ImageCNN, 16
filters, no augmentation), batch 32, Adam and epoch count:
  1. decoding the folder once into the memory-mapped store (seconds, once per data version);
  2. the module's trainer (`make_network(...).fit`): the images read from the memory map once per fit;
  3. a plain `torch.utils.data.DataLoader` over a Dataset that opens and decodes each TIFF when asked
     (the usual hand-written loop), standardised with the same channel means.
Training throughput is images per second (images x epochs / seconds), median over R repeats, and
the ratio of the trainer to the DataLoader loop; beside them, what one pass over the data costs
when read from the files (every epoch of the DataLoader loop) and from the memory map. Where CUDA
is present, 2 and 3 run again on the GPU, where the model's compute no longer hides the decoding.
No target ratio: on a CPU a convolution's compute dominates. The numbers are only meaningful on an
otherwise idle machine: the load average is printed first.

Run from the template's root:  .venv/bin/python benchmarks/bench_image.py [--epochs E] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]


def bake(out: Path) -> Path:
    command = [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE_ROOT), "-o", str(out), "modality=image"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "BIODL_NO_GIT": "1"})
    if result.returncode:
        raise SystemExit(f"cookiecutter failed: {result.stderr[-2000:]}")
    return next(p for p in out.iterdir() if p.is_dir())


def module(project: Path):
    packages = [p.parent.name for p in (project / "src").glob("*/__main__.py")]
    sys.path.insert(0, str(project / "src"))
    return packages[0]


def trainer_images_per_s(name, X, y, epochs, device, seed=0):
    import importlib

    architectures = importlib.import_module(f"{name}_engine.models.networks")
    model = architectures.make_network(X, {"epochs": epochs, "augment": False, "channels": 16, "hidden": [32],
                                  "lr": 3e-3, "batch_size": 32, "device": device}, seed=seed)
    start = time.perf_counter()
    model.fit(X, y)
    return len(y) * epochs / (time.perf_counter() - start)


def dataloader_images_per_s(name, folder, files, y, mean, scale, shape, epochs, device, seed=0):
    import importlib

    import numpy as np
    import tifffile
    import torch
    from torch.utils.data import DataLoader, Dataset

    image_nets = importlib.import_module(f"{name}_engine.modalities.image.layers")
    codes = (np.asarray(y) == sorted(set(y))[-1]).astype(np.float32)

    class Files(Dataset):
        def __len__(self):
            return len(files)

        def __getitem__(self, index):
            image = tifffile.imread(folder / files[index]).astype(np.float32) / 65535.0
            image = (image - mean[:, None, None]) / scale[:, None, None]
            return torch.from_numpy(image.astype(np.float32)), torch.tensor([codes[index]])

    torch.manual_seed(seed)
    net = image_nets.ImageCNN(*shape, channels=16, hidden=(32,), n_outputs=1).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    loader = DataLoader(Files(), batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(seed))
    start = time.perf_counter()
    net.train()
    for _ in range(epochs):
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad(set_to_none=True)
            loss_fn(net(xb), yb).backward()
            optimizer.step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return len(files) * epochs / (time.perf_counter() - start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs; "
          f"torch threads {args.threads}")
    import torch

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        project = bake(Path(tmp) / "bake")
        name = module(project)
        import importlib

        config = importlib.import_module(f"{name}_engine.settings.config")
        provenance = importlib.import_module(f"{name}_engine.data.provenance")
        store = importlib.import_module(f"{name}_engine.modalities.image.store")
        cfg = config.load_config(project / "lab.yaml")
        provenance.verify_inputs(project, cfg.input_paths, name)  # draws the simulated folder
        start = time.perf_counter()
        data = store.load_images(cfg, project)
        decode = time.perf_counter() - start
        pixels = data.X.pixels()
        mean, scale = pixels.mean(axis=(0, 2, 3)), pixels.std(axis=(0, 2, 3))
        folder, files = project / cfg.data.path, list(data.X["file"])
        print(f"{len(files)} images {data.X.image_shape}; decoded once into the memory-mapped store in {decode:.2f} s "
              "(features included)")
        import numpy as np
        import tifffile

        start = time.perf_counter()
        for name_ in files:
            tifffile.imread(folder / name_).astype(np.float32)
        from_files = time.perf_counter() - start
        start = time.perf_counter()
        np.asarray(store.open_pixels(data.X.store)[np.arange(len(files))])
        from_map = time.perf_counter() - start
        print(f"one pass over the images: {from_files:.3f} s decoding the files, {from_map:.3f} s from the memory map")
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
        for device in devices:
            ours, plain = [], []
            for _ in range(args.repeats):  # interleaved, so a change of load hits both alike
                ours.append(trainer_images_per_s(name, data.X, data.y, args.epochs, device))
                plain.append(dataloader_images_per_s(name, folder, files, data.y, mean, scale, data.X.image_shape,
                                                     args.epochs, device))
            a, b = statistics.median(ours), statistics.median(plain)
            print(f"{device}: module trainer {a:,.0f} images/s | DataLoader over files {b:,.0f} images/s | "
                  f"ratio {a / b:.2f}x ({args.epochs} epochs, median of {args.repeats})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
