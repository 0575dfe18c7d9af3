#!/usr/bin/python3
"""Load a safetensors file with Python's safetensors (PyTorch flavour) and print its contents as JSON.

Usage: dump_safetensors.py INPUT.safetensors [RESAVED.safetensors]

Prints {"metadata": {...}, "tensors": {name: {"dtype": "torch.float32", "shape": [...], "values": [...]}}}
with values as float64. With a second path, saves the loaded tensors and metadata again with
`safetensors.torch.save_file`, so a test can compare the Python library's bytes with its own.
Used by the SafeTensorsFormat interop tests to check that files Shears writes load in PyTorch.
"""
import json
import sys

from safetensors import safe_open
from safetensors.torch import load_file, save_file


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: dump_safetensors.py INPUT.safetensors [RESAVED.safetensors]")
    path = sys.argv[1]
    tensors = load_file(path)
    with safe_open(path, framework="pt") as handle:
        metadata = handle.metadata() or {}
    if len(sys.argv) == 3:
        save_file(tensors, sys.argv[2], metadata=metadata or None)
    dump = {
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
    json.dump(dump, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
