"""The hierarchical JEPA of src/Jepa/Models in PyTorch, op for op, and a loader for `jepa export`.

    import sys; sys.path.insert(0, "scripts/reference")
    import hjepa
    model, export = hjepa.load_export("exported")             # model.safetensors + config.json
    clips = hjepa.to_input(uint8_clips, export)               # [B, T, H, W, 3] uint8 → [B, T, 3, H, W]
    with torch.no_grad():
        z1, z2 = model.encode_targets(clips)                  # [B, T, N1, D], [B, T/chunk, N2, D]
        out = model(clips)                                    # embeddings and predictions of both levels

Module and parameter names are those of the C# classes (inProj, timePos, ...), so the exported state
dict loads as it is. Needs torch and numpy only; runs on Debian 12's torch 1.13 (no
scaled_dot_product_attention there: the attention is written out) and on PyTorch 2.x (SDPA).
The parity test (tests/Jepa.Tests/Reference) holds this file to the C# model within 1e-4."""

import json
import math
import os
from collections import OrderedDict, namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F

import safetensors_np

EXPORT_FORMAT = "jepa-export"
EXPORT_FORMAT_VERSION = 1  # ExportConfig.FormatVersion

# PyTorch 2.0 and later; Debian 12's 1.13 lacks it.
_SDPA = getattr(F, "scaled_dot_product_attention", None)


class Attention(nn.Module):
    """Attention.cs: qkv Linear → scaled dot-product attention → projection."""

    def __init__(self, dim, heads):
        super().__init__()
        if dim % heads != 0:
            raise ValueError(f"dim {dim} is not divisible by heads {heads}")
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask):
        """x [B, N, D], mask additive [N, N] (0 or -inf) or None → [B, N, D]."""
        b, n, d = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # [B, H, N, hd] each
        if _SDPA is not None:
            o = _SDPA(q, k, v, attn_mask=mask)
        else:
            scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            if mask is not None:
                scores = scores + mask
            o = scores.softmax(dim=-1) @ v
        return self.proj(o.transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    """Block.cs: pre-norm transformer block, x + attn(LN(x)), then x + MLP(LN(x)) with exact GELU."""

    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        hidden = int(round(dim * mlp_ratio))  # both round half to even, as C#'s Math.Round
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x, mask):
        x = x + self.attn(self.norm1(x), mask)
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Blur(nn.Module):
    """ConvStem.cs Blur: fixed 3×3 binomial low-pass per channel, edges replicated (no parameters)."""

    def forward(self, x):
        k1 = torch.tensor([0.25, 0.5, 0.25], dtype=x.dtype, device=x.device)
        kernel = torch.outer(k1, k1).view(1, 1, 3, 3)
        c = x.shape[1]
        return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), kernel.expand(c, 1, 3, 3), groups=c)


class ConvStem(nn.Module):
    """ConvStem.cs: log2(stride) × [blur?] Conv(3×3, stride 2) + GroupNorm + GELU, then a 1×1 projection."""

    def __init__(self, dim, stride, blur=False):
        super().__init__()
        stage_count = int(round(math.log2(stride)))
        if stage_count < 1 or 1 << stage_count != stride:
            raise ValueError(f"stem stride {stride} is not a power of two >= 2")
        self.dim = dim
        layers, in_channels = OrderedDict(), 3
        for s in range(stage_count):
            out_channels = max(16, dim >> (stage_count - 1 - s))
            if blur:
                layers[f"blur{s}"] = Blur()
            layers[f"conv{s}"] = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=2, padding=1)
            layers[f"norm{s}"] = nn.GroupNorm(min(8, out_channels // 4), out_channels)
            layers[f"act{s}"] = nn.GELU()
            in_channels = out_channels
        self.stages = nn.Sequential(layers)
        self.project = nn.Conv2d(in_channels, dim, kernel_size=1)

    def forward(self, frames):
        """frames [B, T, 3, H, W] → tokens [B, T, N, D], N = (H/stride)·(W/stride) row-major."""
        b, t = frames.shape[:2]
        x = self.project(self.stages(frames.reshape(b * t, *frames.shape[2:])))  # [B·T, D, h, w]
        n = x.shape[2] * x.shape[3]
        return x.reshape(b, t, self.dim, n).transpose(2, 3)


class FrameEncoder(nn.Module):
    """FrameEncoder.cs: transformer over the tokens of one frame (or chunk) with learned position embeddings."""

    def __init__(self, tokens, dim, depth, heads, mlp_ratio):
        super().__init__()
        self.pos = nn.Parameter(nn.init.trunc_normal_(torch.empty(1, tokens, dim), std=0.02))
        self.blocks = nn.ModuleList(Block(dim, heads, mlp_ratio) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)

    def forward(self, tokens):
        """[B, T, N, D] → [B, T, N, D]; frames never see each other here."""
        b, t, n, d = tokens.shape
        x = tokens.reshape(b * t, n, d) + self.pos
        for block in self.blocks:
            x = block(x, None)
        return self.norm(x).reshape(b, t, n, d)


def level1_tokens(model_cfg, size):
    return (size // model_cfg["stem_stride"]) ** 2


def level2_tokens(model_cfg, size):
    return level1_tokens(model_cfg, size) // (model_cfg["level2_pool"] ** 2)


class Encoders(nn.Module):
    """Encoders.cs: stem → level-1 frame encoder; level-2 encoder over pooled chunks (the part with an EMA copy)."""

    def __init__(self, m, size):
        super().__init__()
        self.side = size // m["stem_stride"]
        self.chunk = m["chunk"]
        self.pool_factor = m["level2_pool"]
        self.stem = ConvStem(m["dim"], m["stem_stride"], m["stem_blur"])
        self.level1 = FrameEncoder(self.side * self.side, m["dim"], m["depth"], m["heads"], m["mlp_ratio"])
        self.level2 = FrameEncoder(level2_tokens(m, size), m["dim"], m["level2_depth"], m["heads"], m["mlp_ratio"])

    def forward(self, frames):
        """frames [B, T, 3, H, W] → level-1 tokens [B, T, N1, D], level-2 tokens [B, T/chunk, N2, D]."""
        z1 = self.level1(self.stem(frames))
        return z1, self.level2(self.pool(z1))

    def pool(self, z1):
        """Average over `chunk` frames and pool×pool tokens: [B, T, N1, D] → [B, T/chunk, N2, D]."""
        b, t, _, d = z1.shape
        c, p = t // self.chunk, self.pool_factor
        h = self.side // p
        x = z1[:, :c * self.chunk].reshape(b, c, self.chunk, h, p, h, p, d)
        return x.mean(dim=(2, 4, 6)).reshape(b, c, h * h, d)


def causal_mask(t, n, device):
    """Additive mask [T·N, T·N]: 0 where the key's step ≤ the query's step, -inf elsewhere."""
    step = torch.arange(t, device=device).repeat_interleave(n)
    allowed = step.unsqueeze(1) >= step.unsqueeze(0)  # [query, key]
    return torch.zeros(t * n, t * n, device=device).masked_fill(~allowed, float("-inf"))


class CausalPredictor(nn.Module):
    """CausalPredictor.cs: frame-causal transformer; one zero-initialised head per horizon k gives the
    CHANGE of each token's embedding from step t to t+k (added to the target by the caller)."""

    def __init__(self, steps, tokens, in_dim, dim, depth, heads, mlp_ratio, horizons):
        super().__init__()
        self.steps, self.tokens = steps, tokens
        self.inProj = nn.Linear(in_dim, dim)
        self.timePos = nn.Parameter(nn.init.trunc_normal_(torch.empty(1, steps, 1, dim), std=0.02))
        self.spacePos = nn.Parameter(nn.init.trunc_normal_(torch.empty(1, 1, tokens, dim), std=0.02))
        self.blocks = nn.ModuleList(Block(dim, heads, mlp_ratio) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.heads = nn.ModuleList(nn.Linear(dim, in_dim) for _ in range(horizons))
        with torch.no_grad():
            for head in self.heads:
                head.weight.zero_()
                head.bias.zero_()

    def forward(self, context):
        """context [B, T, N, Din] → per horizon k (index k-1) the predicted change [B, T, N, Din]."""
        b, t, n, d_in = context.shape
        if t > self.steps or n != self.tokens:
            raise ValueError(f"predictor built for {self.steps}×{self.tokens} tokens, got {t}×{n}")
        x = self.inProj(context) + self.timePos[:, :t] + self.spacePos
        x = x.reshape(b, t * n, x.shape[3])
        mask = causal_mask(t, n, context.device)
        for block in self.blocks:
            x = block(x, mask)
        x = self.norm(x)
        return [head(x).reshape(b, t, n, d_in) for head in self.heads]


class LevelOutput(namedtuple("LevelOutput", "online targets predictions")):
    """JepaOutput.cs: online embeddings [B, S, N, D], layer-normed EMA targets [B, S, N, D] (no gradient),
    predictions[k-1] [B, S-k, N, D] of targets[:, k:] made from steps ≤ s."""

    __slots__ = ()

    def target_for(self, k):
        return self.targets[:, k:]

    def persistence_for(self, k):
        return self.targets[:, :self.targets.shape[1] - k]


JepaOutput = namedtuple("JepaOutput", "level1 level2")


class HJepa(nn.Module):
    """HJepa.cs: online encoders, their EMA target copy, one frame-causal predictor per level."""

    def __init__(self, model_cfg, size, frames):
        super().__init__()
        m = model_cfg
        if m.get("action_dim", 0):
            raise ValueError("the PyTorch twin has no action-conditioned predictor (model.action_dim must be 0)")
        self.size, self.frames = size, frames
        self.online = Encoders(m, size)
        self.target = Encoders(m, size)
        self.predictor1 = CausalPredictor(frames, level1_tokens(m, size), m["dim"], m["predictor_dim"],
                                          m["predictor_depth"], m["heads"], m["mlp_ratio"], m["horizon"])
        self.predictor2 = CausalPredictor(frames // m["chunk"], level2_tokens(m, size), m["dim"], m["predictor_dim"],
                                          m["predictor_depth"], m["heads"], m["mlp_ratio"], m["level2_horizon"])
        self.target.load_state_dict(self.online.state_dict())
        for p in self.target.parameters():
            p.requires_grad_(False)

    def trainable_parameters(self):
        """(name, parameter) the optimiser trains: online encoders and predictors, never the EMA target."""
        for prefix in ("online", "predictor1", "predictor2"):
            for name, p in getattr(self, prefix).named_parameters():
                yield f"{prefix}.{name}", p

    def forward(self, frames):
        """Normalised clips [B, T, 3, H, W] → JepaOutput of both levels."""
        z1, z2 = self.online(frames)
        t1, t2 = self.encode_targets(frames)
        return JepaOutput(_level(z1, t1, self.predictor1), _level(z2, t2, self.predictor2))

    def encode_targets(self, frames):
        """Target encoder only, layer-normed (what predictions are compared with): level 1, level 2."""
        with torch.no_grad():
            r1, r2 = self.target(frames)
            return _layer_norm(r1), _layer_norm(r2)

    @torch.no_grad()
    def update_target(self, momentum):
        """target ← m·target + (1−m)·online, parameter by parameter."""
        for t, o in zip(self.target.parameters(), self.online.parameters()):
            t.mul_(momentum).add_(o, alpha=1 - momentum)


def _level(online, targets, predictor):
    # Residual on the stop-gradient target of the last seen step: zero change = persistence.
    steps = online.shape[1]
    deltas = predictor(online)
    predictions = [targets[:, :steps - k] + deltas[k - 1][:, :steps - k] for k in range(1, len(deltas) + 1)]
    return LevelOutput(online, targets, predictions)


def _layer_norm(x):
    return F.layer_norm(x, (x.shape[-1],))


LossTerms = namedtuple("LossTerms", "total level1 level2 variance covariance")


def jepa_loss(output, weights):
    """JepaLoss.cs: Σ_levels w_l · mean_k L1(prediction_k, target) [+ VICReg on the online embeddings].
    `weights` is the config's train.loss section."""
    if weights.get("rollout", 0):
        raise ValueError("the PyTorch twin has no rollout loss (train.loss.rollout must be 0)")
    l1 = prediction_loss(output.level1)
    l2 = prediction_loss(output.level2)
    total = l1 * weights["level1"] + l2 * weights["level2"]
    variance = torch.zeros((), device=l1.device)
    covariance = torch.zeros((), device=l1.device)
    if weights["variance"] > 0 or weights["covariance"] > 0:
        for level in output:
            v, c = vicreg(level.online)
            variance = variance + v
            covariance = covariance + c
        total = total + variance * weights["variance"] + covariance * weights["covariance"]
    return LossTerms(total, l1, l2, variance, covariance)


def prediction_loss(level):
    """Mean over horizons of the L1 error of each prediction against its target."""
    errors = [F.l1_loss(p, level.target_for(k)) for k, p in enumerate(level.predictions, start=1)]
    return sum(errors[1:], errors[0]) / len(errors)


def vicreg(embeddings):
    """Hinge on each dimension's std at 1, and the mean squared off-diagonal covariance (unbiased, as C#)."""
    d = embeddings.shape[-1]
    x = embeddings.reshape(-1, d)
    x = x - x.mean(dim=0, keepdim=True)
    std = (x.var(dim=0) + 1e-4).sqrt()
    variance = F.relu(1 - std).mean()
    cov = x.t() @ x / (x.shape[0] - 1)
    off_diagonal = cov - torch.diag(torch.diag(cov))
    return variance, off_diagonal.pow(2).sum() / d


def to_input(clips, export):
    """uint8 clips [B, T, H, W, 3] (numpy or tensor) → normalised float [B, T, 3, H, W] (ClipTensors.ToInput,
    without the training crops and flips). `export` is the parsed config.json."""
    x = torch.as_tensor(clips).permute(0, 1, 4, 2, 3).float().div(255)
    mean = torch.tensor(export["input"]["mean"], dtype=x.dtype).view(1, 1, 3, 1, 1)
    std = torch.tensor(export["input"]["std"], dtype=x.dtype).view(1, 1, 3, 1, 1)
    return ((x - mean) / std).contiguous()


def read_export_config(folder):
    """The parsed config.json of a `jepa export` folder, checked to be one this file reads."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        export = json.load(f)
    if export.get("format") != EXPORT_FORMAT:
        raise ValueError(f"{folder}/config.json was not written by jepa export")
    if export.get("format_version") != EXPORT_FORMAT_VERSION:
        raise ValueError(f"{folder} has export format version {export.get('format_version')}; "
                         f"this hjepa.py reads version {EXPORT_FORMAT_VERSION}")
    return export


def load_export(folder, device="cpu"):
    """Builds the model a `jepa export` folder describes and loads its weights: (HJepa, config.json as a dict)."""
    export = read_export_config(folder)
    config = export["config"]
    model = HJepa(config["model"], config["data"]["size"], config["data"]["frames"])
    arrays, _ = safetensors_np.read(os.path.join(folder, "model.safetensors"))
    model.load_state_dict({name: torch.from_numpy(a) for name, a in arrays.items()}, strict=True)
    return model.to(device), export
