#!/usr/bin/env python3
"""Fine-tunes a Pulse CNN model (the shipped one, or any folder train.py wrote) and exports it.

Run by a training job's process (lib/training/job-process.ts), which tokenises the data with the
serving tokenizer and writes token ids: --work holds train.jsonl and dev.jsonl, rows
{"ids": [...], "y": 0|1|2, "w": weight}. No torch checkpoint is shipped, so the weights are read
from the base folder's model.onnx into train.py's SentimentCNN (serving_graph.read, which also
reads the folders torch.onnx.export wrote before it). Progress is printed as one JSON object per
line on stdout: {"type": "progress", "progress": 0-1, "phase": "...", "dev": {...}|null};
anything else goes to stderr. Run with Debian's interpreter: /usr/bin/python3 (python3-torch, python3-onnx).
"""
import argparse
import json
import os
import random
import shutil
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serving_graph  # noqa: E402
from train import LABELS, SentimentCNN, batches, export_onnx, predict, read_jsonl, scores, write_json  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", required=True, help="model folder to start from (config.json, model.onnx, tokenizer files)")
    p.add_argument("--work", required=True, help="folder with train.jsonl and dev.jsonl")
    p.add_argument("--out", required=True, help="model folder to write")
    p.add_argument("--name", default="pulse-sentiment-trained", help="the model's name (config.json _name_or_path)")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    # Small: the base model is already good; a large step forgets what it knew (measured by bench:adapt).
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--dropout", type=float, default=0.4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=13)
    return p.parse_args()


def emit(progress, phase, dev=None):
    print(json.dumps({"type": "progress", "progress": round(progress, 4), "phase": phase, "dev": dev}), flush=True)


def load_base(base):
    config = json.load(open(os.path.join(base, "config.json")))
    if config.get("model_type") != "pulse-cnn":
        sys.exit(f"only pulse-cnn models can be fine-tuned; {base} is {config.get('model_type')!r}")
    return config, serving_graph.read(os.path.join(base, "model.onnx"))


def build(config, weights, dropout):
    model = SentimentCNN(config["vocab_size"], config["hidden_size"], config["filters"], config["widths"], dropout, False)
    state = model.state_dict()
    missing = [k for k in state if k != "irony_shift" and k not in weights]
    if missing:
        sys.exit(f"model.onnx lacks the weights {missing}: not a SentimentCNN export")
    model.load_state_dict({k: weights.get(k, v) for k, v in state.items()})
    return model


def with_binary_flag(rows):
    for r in rows:
        r["b"] = 0
    return rows


def dev_figures(model, dev_rows, epoch):
    s = scores(dev_rows, predict(model, dev_rows))
    return {"epoch": epoch, "accuracy": s["accuracy"], "macroRecall": s["macroRecall"]}


def export(model, base, out, config):
    export_onnx(model, out)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        if os.path.exists(os.path.join(base, name)):
            shutil.copy(os.path.join(base, name), os.path.join(out, name))
    write_json(os.path.join(out, "config.json"), config)


def main():
    args = parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()
    config, weights = load_base(args.base)
    model = build(config, weights, args.dropout)
    train_rows = with_binary_flag(read_jsonl(os.path.join(args.work, "train.jsonl")))
    dev_rows = with_binary_flag(read_jsonl(os.path.join(args.work, "dev.jsonl")))
    print(f"fine-tuning on {len(train_rows)} rows, dev {len(dev_rows)}", file=sys.stderr, flush=True)

    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = max(1, (len(train_rows) + args.batch - 1) // args.batch)
    total_steps = args.epochs * steps_per_epoch
    # Epoch 0 is the base model itself: a fine-tune that only makes dev worse keeps the base weights.
    best = dev_figures(model, dev_rows, 0) if dev_rows else None
    best_state = {k: v.clone() for k, v in model.state_dict().items()}
    emit(0.0, "training", best)
    step, last_emit = 0, 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        for chunk, ids, mask in batches(train_rows, args.batch, shuffle=True):
            y = torch.tensor([train_rows[i]["y"] for i in chunk])
            w = torch.tensor([float(train_rows[i].get("w", 1.0)) for i in chunk])
            loss = (F.cross_entropy(model(ids, mask), y, reduction="none") * w).sum() / w.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if time.time() - last_emit >= 0.5:  # a line every half second is plenty for a progress bar
                emit(step / total_steps, f"epoch {epoch} of {args.epochs}")
                last_emit = time.time()
        dev = dev_figures(model, dev_rows, epoch) if dev_rows else None
        emit(step / total_steps, f"epoch {epoch} of {args.epochs}", dev)
        if dev is None or best is None or dev["macroRecall"] >= best["macroRecall"]:
            best, best_state = dev, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    config = {**config, "_name_or_path": args.name}
    export(model, args.base, args.out, config)
    print(json.dumps({"type": "trained", "bestEpoch": best["epoch"] if best else args.epochs,
                      "seconds": round(time.time() - started, 1), "labels": LABELS}), flush=True)


if __name__ == "__main__":
    main()
