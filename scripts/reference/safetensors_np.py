"""Reads and writes the safetensors files of `jepa export` with numpy alone (Debian serves no
`safetensors` package): an 8-byte little-endian header length, a JSON header
{name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the raw little-endian bytes."""

import json
import struct

import numpy as np

_DTYPES = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4", "U8": "u1"}


def read(path):
    """Returns ({name: numpy array}, {metadata key: value}); the arrays are writable copies."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path} is not a safetensors file (shorter than its 8-byte header length)")
    (header_len,) = struct.unpack("<Q", data[:8])
    if 8 + header_len > len(data):
        raise ValueError(f"{path} is not a safetensors file or is cut short (header of {header_len} bytes)")
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    start = 8 + header_len
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {entry['dtype']}, which this reader does not know")
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data, dtype=_DTYPES[entry["dtype"]], count=(end - begin) // np.dtype(_DTYPES[entry["dtype"]]).itemsize,
                              offset=start + begin)
        tensors[name] = array.reshape(entry["shape"]).copy()
    return tensors, metadata


def write(path, tensors, metadata=None):
    """Writes {name: array-like} as F32, in the order given, with the header padded to 8 bytes."""
    header = {"__metadata__": {str(k): str(v) for k, v in (metadata or {}).items()}}
    blobs, offset = [], 0
    for name, value in tensors.items():
        blob = np.ascontiguousarray(np.asarray(value, dtype="<f4")).tobytes()
        header[name] = {"dtype": "F32", "shape": list(np.shape(value)), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
