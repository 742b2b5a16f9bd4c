"""One training step of the twin, as src/Jepa/Training does it: the schedules of Schedules.cs, the
AdamW of Optimizers.cs (two parameter groups), and Trainer.RunAsync's steps 3 and 5–7: schedules,
forward and loss, backward and gradient clipping (a non-finite norm skips the update), AdamW, EMA."""

import math
import sys

import torch

from hjepa import jepa_loss


def _progress(step, total):
    return 1.0 if total <= 1 else min(max(step / (total - 1), 0.0), 1.0)


def learning_rate(train, step):
    """Linear warmup from 0 to lr over warmup_steps, then cosine to min_lr at the last step."""
    if step < train["warmup_steps"]:
        return train["lr"] * (step + 1) / train["warmup_steps"]
    progress = _progress(step - train["warmup_steps"], train["steps"] - train["warmup_steps"])
    return train["min_lr"] + (train["lr"] - train["min_lr"]) * 0.5 * (1 + math.cos(math.pi * progress))


def weight_decay(train, step):
    """Cosine from weight_decay to weight_decay_end over training."""
    end, start = train["weight_decay_end"], train["weight_decay"]
    return end + (start - end) * 0.5 * (1 + math.cos(math.pi * _progress(step, train["steps"])))


def ema_momentum(train, step):
    """Linear from ema_start to ema_end over training."""
    return train["ema_start"] + (train["ema_end"] - train["ema_start"]) * _progress(step, train["steps"])


def make_optimizer(model, lr, wd):
    """AdamW, betas (0.9, 0.999), eps 1e-8; group 0 decays weight matrices, group 1 (norm scales,
    biases: 1-D tensors; position embeddings: names with "pos") never decays."""
    decay, no_decay = [], []
    for name, p in model.trainable_parameters():
        (no_decay if p.dim() <= 1 or "pos" in name.lower() else decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)


def set_schedule(optimizer, lr, wd):
    """This step's learning rate on every group, weight decay on the decayed group."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.param_groups[0]["weight_decay"] = wd


def train_step(model, optimizer, clips, train, step, mark=lambda phase: None):
    """One step at `step` (0-based) on normalised clips [B, T, 3, H, W]; `train` is the config's train
    section. `mark(phase)` is called as each of forward, backward, optimizer, ema ends (bench.py times
    them; clipping counts as optimizer). Returns the loss terms and the scalars the C# trainer logs."""
    # Step 3: schedules for this step.
    lr, wd, ema = learning_rate(train, step), weight_decay(train, step), ema_momentum(train, step)
    set_schedule(optimizer, lr, wd)

    # Step 5: forward both levels, loss against the stop-gradient EMA targets.
    terms = jepa_loss(model(clips), train["loss"])
    mark("forward")

    # Step 6: backward and clip; a non-finite loss or gradient skips the update.
    optimizer.zero_grad()
    terms.total.backward()
    mark("backward")
    params = [p for _, p in model.trainable_parameters()]
    clip = train["grad_clip"] if train["grad_clip"] > 0 else sys.float_info.max
    grad_norm = float(torch.nn.utils.clip_grad_norm_(params, clip))
    skipped = not math.isfinite(grad_norm)
    if skipped:
        optimizer.zero_grad()
    else:
        optimizer.step()
    mark("optimizer")

    # Step 7: the EMA target follows the online encoders.
    if not skipped:
        model.update_target(ema)
    mark("ema")
    return {"terms": terms, "grad_norm": grad_norm, "lr": lr, "weight_decay": wd, "ema": ema, "skipped": skipped}
