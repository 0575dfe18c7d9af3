#!/usr/bin/python3
"""Write a PyTorch state_dict with Python's safetensors, as an interop fixture for the SafeTensorsFormat tests.

Usage: make_torch_safetensors.py OUTPUT.safetensors EXPECTED.json

The model is tiny and seeded (a conv, a batch norm that has seen one batch so that its I64 counter
`num_batches_tracked` is 1, a linear layer); a float16 and a float64 tensor are added so the reader's
conversions are exercised. EXPECTED.json lists every tensor's torch dtype, shape and values as float64,
plus the metadata, so the Swift test can compare what it reads. Needs Debian's python3-torch and
`pip install safetensors`.
"""
import json
import sys

import torch
from safetensors.torch import save_file


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: make_torch_safetensors.py OUTPUT.safetensors EXPECTED.json")
    output, expected_path = sys.argv[1], sys.argv[2]

    torch.manual_seed(0)
    model = torch.nn.Sequential()
    model.add_module("conv1", torch.nn.Conv2d(1, 2, kernel_size=3))
    model.add_module("bn1", torch.nn.BatchNorm2d(2))
    model.add_module("flatten", torch.nn.Flatten())
    model.add_module("fc", torch.nn.Linear(2 * 2 * 2, 3))
    model.train()
    model(torch.randn(4, 1, 4, 4))  # one batch: running stats move and num_batches_tracked becomes 1

    tensors = {name: value.detach().clone().contiguous() for name, value in model.state_dict().items()}
    tensors["extra.half"] = torch.tensor([1.0, -2.5, 65504.0, 6.103515625e-05, 5.960464477539063e-08], dtype=torch.float16)
    tensors["extra.double"] = torch.tensor([[0.1, -1e-3], [3.0, 1e10]], dtype=torch.float64)
    tensors["extra.mask"] = torch.tensor([[1, 0, 1], [0, 0, 1]], dtype=torch.uint8)
    tensors["extra.flags"] = torch.tensor([True, False, True])
    metadata = {"format": "pt", "producer": "make_torch_safetensors.py"}
    save_file(tensors, output, metadata=metadata)

    expected = {
        "metadata": metadata,
        "tensors": {
            name: {
                "dtype": str(value.dtype),
                "shape": list(value.shape),
                "values": [float(v) for v in value.flatten().tolist()],
            }
            for name, value in tensors.items()
        },
    }
    with open(expected_path, "w") as handle:
        json.dump(expected, handle, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
