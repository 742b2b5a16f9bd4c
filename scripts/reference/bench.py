"""Training speed of the PyTorch twin, the reference beside `jepa bench train` (same flags, same JSON).

    /usr/bin/python3 scripts/reference/bench.py --config configs/quickstart.yaml --steps 20 --json

Times full training steps (forward, backward, clip + AdamW, EMA; as train_step.py) of a freshly
initialised model on one fixed batch of random clips of the config's shape, after --warmup untimed
steps. --config takes a YAML config (read with PyYAML over the built-in defaults, as jepa does) or the
config.json that `jepa export` writes (no PyYAML needed); --set overrides keys of either. Keys printed:
  flops_per_step   matmul and convolution FLOPs (2 per multiply-add) of one step: 3 × the forward of
                   the online encoders and predictors (forward + backward) + 1 × the EMA target's forward;
                   norms, activations and the optimiser are not counted
  tokens_per_s     level-1 tokens (frames × tokens per frame) of the clips trained on per second
  peak_memory_bytes  CUDA: torch.cuda.max_memory_allocated; CPU: the process's peak resident set
  phases           seconds per step in each phase; mfu is null (no peak figure for the hardware)
OMP_WAIT_POLICY is PASSIVE unless the environment sets it: on this project's shared 2-core machines
OpenMP threads that spin while they wait made the quickstart's steps 8× slower (0.13 against 1.07
steps/s, measured under load); on a quiet machine spinning may gain a little: set it to ACTIVE."""

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read once, when torch loads OpenMP: before the import

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hjepa  # noqa: E402
import jepa_config  # noqa: E402
from train_step import make_optimizer, train_step  # noqa: E402

PHASES = ("forward", "backward", "optimizer", "ema")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Time training steps of the PyTorch twin on synthetic clips.")
    parser.add_argument("--config", help="YAML config (needs PyYAML) or the config.json of jepa export; default: built-in defaults")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key (repeatable)")
    parser.add_argument("--steps", type=int, default=20, help="timed steps")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--device", help="cpu | cuda | cuda:N | auto (default: train.device)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    try:
        if args.steps < 1 or args.warmup < 0:
            raise jepa_config.ConfigError("--steps must be at least 1 and --warmup at least 0")
        config = jepa_config.load(args.config, args.set)
        refuse_what_the_twin_lacks(config)
        result = bench(config, args.steps, args.warmup, args.device or config["train"]["device"])
    except (jepa_config.ConfigError, OSError) as e:
        print(f"error: {e}.", file=sys.stderr)
        return 2
    print(json.dumps(result) if args.json else table(result))
    return 0


def refuse_what_the_twin_lacks(config):
    """The twin trains the design's objective only: timing it for another would time the wrong step."""
    train, model = config["train"], config["model"]
    if train["objective"] != "ema":
        raise jepa_config.ConfigError(
            f"train.objective is '{train['objective']}', but the PyTorch twin trains only 'ema'; "
            "time that objective with jepa bench train, or --set train.objective=ema")
    if train["loss"]["rollout"]:
        raise jepa_config.ConfigError("train.loss.rollout is set, but the PyTorch twin has no rollout loss; --set train.loss.rollout=0")
    if model["action_dim"]:
        raise jepa_config.ConfigError("model.action_dim is set, but the PyTorch twin has no action-conditioned predictor; use a config without actions")


def bench(config, steps, warmup, device_name):
    device = resolve_device(device_name)
    threads = config["train"]["threads"] or os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(config["seed"])
    data, train = config["data"], config["train"]
    batch, frames, size = train["batch_size"], data["frames"], data["size"]

    precision = resolve_precision(train["precision"], device)
    model = hjepa.HJepa(config["model"], size, frames).to(device)
    optimizer = make_optimizer(model, train["lr"], train["weight_decay"])
    clips = torch.randn(batch, frames, 3, size, size, device=device)
    flops = flops_per_step(model, clips)

    times = {p: 0.0 for p in PHASES}
    clock = [0.0]

    def mark(phase):
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        now = time.perf_counter()
        times[phase] += now - clock[0]
        clock[0] = now

    # bf16 as PyTorch users run it: autocast around the step (jepa's Autocast.cs casts the same ops by hand).
    autocast = lambda: torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")  # noqa: E731
    for step in range(warmup):
        with autocast():
            train_step(model, optimizer, clips, train, step)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    for p in PHASES:
        times[p] = 0.0
    start = clock[0] = time.perf_counter()
    for step in range(warmup, warmup + steps):
        with autocast():
            train_step(model, optimizer, clips, train, step, mark)
    elapsed = time.perf_counter() - start

    steps_per_s = steps / elapsed
    tokens = frames * hjepa.level1_tokens(config["model"], size)
    peak = (torch.cuda.max_memory_allocated(device) if device.type == "cuda"
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)  # Linux reports KiB
    return {
        "device": str(device),
        "precision": precision,
        "preset": config["model"]["preset"],
        "batch_size": batch,
        "threads": torch.get_num_threads(),
        "steps_per_s": steps_per_s,
        "clips_per_s": steps_per_s * batch,
        "tokens_per_s": steps_per_s * batch * tokens,
        "flops_per_step": flops,
        "achieved_tflops": flops * steps_per_s / 1e12,
        "mfu": None,
        "peak_memory_bytes": int(peak),
        "phases": {p: times[p] / steps for p in PHASES},
    }


def resolve_precision(name, device):
    """Precision.cs: auto is bf16 on CUDA and fp32 elsewhere; tf32 and bf16 let CUDA's fp32 matmuls use TF32."""
    if name not in ("auto", "fp32", "tf32", "bf16"):
        raise jepa_config.ConfigError(f"train.precision '{name}' is not one of auto, fp32, tf32, bf16")
    cuda = device.type == "cuda"
    name = ("bf16" if cuda else "fp32") if name == "auto" else name
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = name != "fp32"
    return "fp32" if name == "tf32" and not cuda else name


def resolve_device(name):
    """Devices.cs: auto | cpu | cuda | cuda:N."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise jepa_config.ConfigError(f"device '{name}' asked for, but this torch sees no CUDA device; use --device cpu")
        return torch.device(name)
    raise jepa_config.ConfigError(f"device '{name}' is not one of auto, cpu, cuda, cuda:N")


def flops_per_step(model, clips):
    """Counts multiply-adds of Linear, Conv2d, the stem's blur and attention's two matmuls in one forward
    (hooks on a no-grad pass), then weighs them: 3× for the trained parts, 1× for the EMA target."""
    counts = {"trained": 0, "target": 0}
    hooks = []
    for name, module in model.named_modules():
        if isinstance(module, (nn.Linear, nn.Conv2d, hjepa.Blur, hjepa.Attention)):
            part = "target" if name.startswith("target.") else "trained"
            hooks.append(module.register_forward_hook(
                lambda m, inputs, output, part=part: counts.__setitem__(part, counts[part] + multiply_adds(m, inputs[0], output))))
    with torch.no_grad():
        model(clips)
    for h in hooks:
        h.remove()
    return 2 * (3 * counts["trained"] + counts["target"])


def multiply_adds(module, x, output):
    if isinstance(module, nn.Linear):
        return output.numel() * module.in_features
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        return output.numel() * module.in_channels // module.groups * kh * kw
    if isinstance(module, hjepa.Blur):
        return output.numel() * 9
    b, n, d = x.shape  # Attention: q·kᵀ and softmax·v, each B·N·N·D; its Linears are counted on their own
    return 2 * b * n * n * d


def table(r):
    lines = [
        f"PyTorch twin (torch {torch.__version__}), {r['preset']}, batch {r['batch_size']}, {r['precision']}, "
        f"{r['device']}, {r['threads']} threads",
        f"  {r['steps_per_s']:.2f} steps/s   {r['clips_per_s']:.1f} clips/s   {r['tokens_per_s']:.0f} tokens/s",
        f"  {r['flops_per_step'] / 1e9:.2f} GFLOP/step   {r['achieved_tflops']:.4f} TFLOP/s   "
        f"peak memory {r['peak_memory_bytes'] / 2**20:.0f} MiB",
        "  per step: " + "   ".join(f"{p} {r['phases'][p] * 1000:.1f} ms" for p in PHASES),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
