"""The jepa config for Python: the built-in defaults and presets of src/Jepa/Config (JepaConfig.cs,
Presets.cs), a YAML file on top (a short diff of the defaults, as `jepa train` reads it; needs
PyYAML), or the complete config.json that `jepa export` writes (needs nothing), then `--set a.b=v`.
A test compares what this prints with what the C# loader resolves, so the two cannot drift apart.

    /usr/bin/python3 scripts/reference/jepa_config.py --config configs/quickstart.yaml --set train.steps=5
prints the resolved config as JSON (model sizes filled in from the preset)."""

import argparse
import copy
import json
import os
import sys

# JepaConfig.cs, section by section. None = "from the preset" (model sizes only).
DEFAULTS = {
    "name": "quickstart",
    "seed": 0,
    "data": {
        "train": "data/bouncing/train", "val": "data/bouncing/val", "frames": 8, "fps": 8.0, "size": 64,
        "workers": 0, "cache_mb": 1024, "hflip": True, "crop_scale_min": 0.5, "short_videos": "skip",
        "decode_timeout_s": 60.0, "clips_per_span": 4, "index": "",
    },
    "model": {
        "preset": "tiny", "dim": None, "depth": None, "heads": None, "predictor_dim": None, "predictor_depth": None,
        "level2_depth": None, "stem_stride": None, "stem_blur": False, "mlp_ratio": 4.0, "horizon": 2, "chunk": 2,
        "level2_pool": 2, "level2_horizon": 1, "action_dim": 0,
    },
    "train": {
        "steps": 1000, "batch_size": 16, "lr": 1e-3, "min_lr": 1e-5, "warmup_steps": 40, "weight_decay": 0.04,
        "weight_decay_end": 0.04, "ema_start": 0.99, "ema_end": 1.0, "grad_clip": 1.0, "checkpoint_every": 500,
        "keep_checkpoints": 3, "max_bad_steps": 10, "device": "auto", "threads": 0,
        "precision": "auto", "objective": "ema",
        "loss": {"level1": 1.0, "level2": 1.0, "variance": 0.0, "covariance": 0.0, "vicreg_invariance": 25.0,
                 "vicreg_variance": 25.0, "vicreg_covariance": 1.0, "barlow_lambda": 0.0051, "temperature": 0.1,
                 "rollout": 0.0},
    },
    "eval": {"clips": 64, "batch_size": 16, "every": 250, "min_rank_share": 0.1, "voe_select": None},
    "log": {"every": 50},
    "plan": {"population": 64, "elites": 8, "iterations": 4, "horizon": 6, "replan_every": 2, "max_steps": 30,
             "success_radius": 0.1, "init_std": 0.8, "action_repeat": 1, "cost": "last"},
}

# Presets.cs: (dim, depth, heads, predictor_dim, predictor_depth, level2_depth, stem_stride).
PRESETS = {
    "tiny": (96, 2, 4, 96, 2, 1, 16),
    "small": (192, 4, 6, 192, 4, 2, 16),
    "base": (384, 8, 6, 288, 6, 3, 16),
    "large": (768, 12, 12, 384, 8, 4, 16),
}
_SIZES = ("dim", "depth", "heads", "predictor_dim", "predictor_depth", "level2_depth", "stem_stride")


class ConfigError(Exception):
    """A mistake in a config file or --set, in one sentence."""


def load(path=None, sets=()):
    """The resolved config: defaults ← the YAML file or export config.json at `path` ← each "key=value"."""
    config = copy.deepcopy(DEFAULTS)
    if path is not None:
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                exported = json.load(f)
            if exported.get("format") != "jepa-export":
                raise ConfigError(f"{path} is not a config.json written by jepa export (no \"format\": \"jepa-export\")")
            _merge(config, exported["config"], "", path)
        else:
            _merge(config, _read_yaml(path), "", path)
            # ConfigPaths.cs: relative data paths in a config file start at the file's folder.
            folder = os.path.dirname(os.path.abspath(path))
            for key in ("train", "val", "index"):
                value = config["data"][key]
                if value and not os.path.isabs(value):
                    config["data"][key] = os.path.normpath(os.path.join(folder, value))
    for s in sets:
        _apply_set(config, s)
    return resolve(config)


def resolve(config):
    """Fills the model sizes left null from the preset (Presets.WithResolvedModel)."""
    model = config["model"]
    if model["preset"] not in PRESETS:
        raise ConfigError(f"'model.preset' is '{model['preset']}', which is not a preset; use one of {', '.join(PRESETS)}")
    for key, value in zip(_SIZES, PRESETS[model["preset"]]):
        if model[key] is None:
            model[key] = value
    return config


def _read_yaml(path):
    try:
        import yaml
    except ImportError:
        raise ConfigError(f"reading {path} needs PyYAML (apt-get install python3-yaml); or pass the config.json that jepa export writes") from None
    with open(path, encoding="utf-8") as f:
        tree = yaml.safe_load(f)
    return tree or {}


def _merge(into, tree, prefix, source):
    if not isinstance(tree, dict):
        raise ConfigError(f"{source}: '{prefix.rstrip('.') or 'the top level'}' must be a mapping of keys")
    for key, value in tree.items():
        path = prefix + key
        if key not in into:
            raise ConfigError(f"{source}: unknown key '{path}'")
        if isinstance(into[key], dict):
            if value is not None:  # "train:" with nothing under it keeps the defaults
                _merge(into[key], value, path + ".", source)
        else:
            into[key] = _typed(path, into[key], value, source)


def _apply_set(config, text):
    key, eq, value = text.partition("=")
    key = key.strip()
    if not eq or not key:
        raise ConfigError(f"--set '{text}' needs the form key=value, such as --set train.steps=50")
    parts = key.split(".")
    node = config
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            raise ConfigError(f"--set '{text}': unknown key '{key}'")
        node = node[part]
    leaf = parts[-1]
    if leaf not in node or isinstance(node[leaf], dict):
        raise ConfigError(f"--set '{text}': '{key}' is not a single value of the config")
    node[leaf] = _typed(key, node[leaf], _parse_as(key, node[leaf], value.strip()), "--set")


def _parse_as(path, default, text):
    """A --set value is taken as written, read as the type of the key (ConfigSets.cs)."""
    if isinstance(default, str):
        return text
    if _nullable(path) and text.lower() in ("null", "~", ""):
        return None
    if isinstance(default, bool):
        return {"true": True, "false": False}.get(text.lower(), text)
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


# Keys whose default is null: model sizes (the preset's) and a voe choice the config may leave out.
_NULLABLE = {"eval.voe_select"}


def _nullable(path):
    return path in _NULLABLE or path.startswith("model.") and path.rsplit(".", 1)[-1] in _SIZES


def _typed(path, default, value, source):
    """The value as the type of the key's default (int, float, bool, str; null where _nullable says)."""
    if value is None and _nullable(path):
        return None
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int) or default is None and path.startswith("model."):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        value = str(value) if ok else value
    if not ok:
        raise ConfigError(f"{source}: '{path}' must be like {default!r}, got {value!r}")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print the resolved jepa config as JSON.")
    parser.add_argument("--config", help="a YAML config (needs PyYAML) or the config.json of jepa export")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a key (repeatable)")
    args = parser.parse_args(argv)
    try:
        print(json.dumps(load(args.config, args.set), indent=2))
    except (ConfigError, OSError) as e:
        print(f"error: {e}.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
