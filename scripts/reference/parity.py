"""Runs the twin on what the C# parity test gives it and writes what it computed, for the test to compare.

    /usr/bin/python3 scripts/reference/parity.py --export DIR --clips CLIPS --out OUT [--first-step S] [--train-steps N]

DIR is a `jepa export` folder; CLIPS a safetensors file holding "clips" [B, T, 3, H, W] (normalised),
or "pixels" [B, T, H, W, 3] (values 0..255, made input here by hjepa.to_input).
OUT (safetensors) gets: input (the clips as fed), level{1,2}.online, level{1,2}.targets, level{l}.prediction.{k}, loss.{total,
level1, level2, variance, covariance}; then, after N training steps on the same clips starting at step S
(schedules from the export's train section): step{i}.{loss, grad_norm, lr, weight_decay, ema} and
after.{name} for every tensor of the state dict (online, EMA target, predictors)."""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hjepa  # noqa: E402
import safetensors_np  # noqa: E402
from train_step import make_optimizer, train_step  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", required=True, help="folder written by jepa export")
    parser.add_argument("--clips", required=True, help="safetensors file with 'clips' [B, T, 3, H, W]")
    parser.add_argument("--out", required=True, help="safetensors file to write")
    parser.add_argument("--first-step", type=int, default=0, help="training step the schedules start at")
    parser.add_argument("--train-steps", type=int, default=1, help="optimiser steps after the forward pass")
    args = parser.parse_args(argv)

    torch.manual_seed(0)
    model, export = hjepa.load_export(args.export)
    train = export["config"]["train"]
    given = safetensors_np.read(args.clips)[0]
    clips = (hjepa.to_input(given["pixels"].astype(np.uint8), export) if "pixels" in given
             else torch.from_numpy(given["clips"]))
    out = {"input": clips}

    # Forward: embeddings, predictions and loss, before any step.
    output = model(clips)
    terms = hjepa.jepa_loss(output, train["loss"])
    for l, level in enumerate(output, start=1):
        out[f"level{l}.online"] = level.online
        out[f"level{l}.targets"] = level.targets
        for k, p in enumerate(level.predictions, start=1):
            out[f"level{l}.prediction.{k}"] = p
    for name, value in terms._asdict().items():
        out[f"loss.{name}"] = value

    # Training steps on the same clips, EMA included.
    optimizer = make_optimizer(model, train["lr"], train["weight_decay"])
    for i in range(args.train_steps):
        info = train_step(model, optimizer, clips, train, args.first_step + i)
        out[f"step{i}.loss"] = info["terms"].total
        for key in ("grad_norm", "lr", "weight_decay", "ema"):
            out[f"step{i}.{key}"] = torch.tensor(info[key])
    for name, t in model.state_dict().items():
        out[f"after.{name}"] = t

    safetensors_np.write(args.out, {k: v.detach().cpu().numpy() for k, v in out.items()},
                         {"torch": torch.__version__, "sdpa": str(hjepa._SDPA is not None)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
