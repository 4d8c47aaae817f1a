#!/usr/bin/env python3
"""Issue 17's GPU step: a small transformer pre-trained on the unlabelled tweets, then fine-tuned,
as a teacher member that knows what the CNNs cannot learn from word vectors alone.

Reads the work folder prepare.ts writes (on a device machine, a copy carried there gzipped and
unpacked before the run: models/README.md) and:
1. pre-trains a BERT-style encoder (word-piece and position embeddings, pre-norm transformer
   layers, the output projection tied to the embeddings) with masked-language modelling on
   unlabelled.txt (the unlabelled tweets and the training texts, as the skip-gram vectors learn
   from them), for --mlm-minutes of wall time, so one run fits a device lease or a
   CPU budget whatever the chip;
2. fine-tunes it with a classification head (first token and masked mean of the outputs) on the
   training rows with train.py's loss and row weights (SST-2 rows compare negative vs positive
   only), keeping the epoch that scores best on the internal slice, as the shipped recipe does;
3. writes OUT/pretrained.pt (the encoder after step 1: --pretrained goes on from it),
   OUT/report.json (settings, timings, every set's figures per epoch), OUT/probs.json (the kept
   epoch's probabilities on the dev sets, the internal slice, the evaluation sets and the irony
   validation split, in their files' order) and OUT/unlabelled.txt (its probabilities for every
   line of unlabelled.txt, in order: "p_neg p_neu p_pos", 3 decimals, ~13 MB), which
   teachers.py --probs reads as a member. The evaluation sets are reported, never used to pick.

Plain PyTorch, no other package. Matrix products run in bf16 (autocast) by default: on a GPU,
and on a CPU with AMX or AVX512-BF16, where Debian's torch sends bf16 products to oneDNN, while fp32
ones go to the reference BLAS it is built with (measured here, one core: fp32 linear forward and
backward 5 GFLOP/s, bf16 506 GFLOP/s). That is what lets the whole run fit a build machine's CPUs.
"""
import argparse
import json
import math
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from train import LABELS, batches, read_jsonl, row_weights, scores, sentiment_loss

PAD, CLS, SEP, MASK = 0, 101, 102, 103


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True, help="folder written by prepare.ts")
    p.add_argument("--out", required=True, help="folder for report.json, probs.json and unlabelled.txt")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--dim", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--ff", type=int, default=1024)
    p.add_argument("--max-len", type=int, default=64, help="word pieces per text, [CLS] and [SEP] included")
    p.add_argument("--dropout", type=float, default=0.1, help="dropout while fine-tuning")
    p.add_argument("--mlm-dropout", type=float, default=0.0,
                   help="dropout while pre-training: a run this short sees most lines once or twice, so there is "
                        "little to over-fit, and on the CPU drawing the masks was a quarter of a step")
    p.add_argument("--mlm-vocab", type=int, default=8192,
                   help="masked-language modelling predicts only the most frequent word pieces of unlabelled.txt "
                        "(8,192 cover 96 %% of them); the softmax over all ~30,600 was two thirds of a CPU step")
    p.add_argument("--precision", choices=["bf16", "fp32"], default="bf16", help="precision of the matrix products")
    p.add_argument("--mlm-minutes", type=float, default=5.0, help="wall time of the pre-training, at least one step (0: none, fine-tune --pretrained as it is)")
    p.add_argument("--pretrained", help="start from this pretrained.pt (written by an earlier run): pre-training goes on from it "
                                        "(give another --seed than that run's, or its first pass masks the same pieces again)")
    p.add_argument("--mlm-batch", type=int, default=256)
    p.add_argument("--mlm-lr", type=float, default=5e-4)
    p.add_argument("--epochs", type=int, default=3, help="fine-tuning epochs")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--unlabelled-limit", type=int, default=0, help="read at most this many unlabelled lines (0: all)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    p.add_argument("--seed", type=int, default=13)
    return p.parse_args()


def read_unlabelled(work, max_len, limit):
    """Every line of unlabelled.txt as a row, [CLS] … [SEP], cut to max_len (empty lines too: the
    probabilities written for them stay in line order)."""
    rows = []
    with open(os.path.join(work, "unlabelled.txt"), encoding="utf8") as f:
        for line in f:
            rows.append({"ids": [CLS, *[int(t) for t in line.split()][: max_len - 2], SEP]})
            if limit and len(rows) >= limit:
                break
    return rows


class TweetEncoder(nn.Module):
    def __init__(self, vocab_size, args):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, args.dim, padding_idx=PAD)
        self.position = nn.Embedding(args.max_len, args.dim)
        layer = nn.TransformerEncoderLayer(args.dim, args.heads, args.ff, args.dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, args.layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(args.dim)
        self.mlm_bias = nn.Parameter(torch.zeros(vocab_size))
        self.dropout = nn.Dropout(args.dropout)
        self.head = nn.Linear(2 * args.dim, len(LABELS))
        # BERT's initialisation: with nn.Embedding's N(0, 1) the tied output starts with logits of
        # standard deviation sqrt(dim) and a masked-language loss near 60 instead of log(vocabulary).
        for table in (self.embed, self.position):
            nn.init.normal_(table.weight, std=0.02)
        with torch.no_grad():
            self.embed.weight[PAD].zero_()

    def encode(self, ids, mask):
        positions = torch.arange(ids.shape[1], device=ids.device)
        return self.norm(self.encoder(self.embed(ids) + self.position(positions), src_key_padding_mask=mask == 0))

    def mlm_logits(self, hidden, pieces):
        """Logits over the word pieces `pieces` only (the ones pre-training predicts)."""
        return hidden @ self.embed.weight[pieces].T + self.mlm_bias[pieces]

    def forward(self, ids, mask):
        hidden = self.encode(ids, mask)
        m = mask.unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1)
        return self.head(self.dropout(torch.cat([hidden[:, 0], mean], 1)))


def on_device(rows, size, shuffle, device):
    """train.py's length-bucketed batches, moved to the device."""
    for chunk, ids, mask in batches(rows, size, shuffle):
        yield chunk, ids.to(device), mask.to(device)


def predicted_pieces(lines, size, vocab_size):
    """The `size` most frequent word pieces of the lines ([CLS], [SEP] and [MASK] aside), and a map
    from piece id to its place among them (-1: not predicted)."""
    counts = torch.bincount(torch.tensor([i for row in lines for i in row["ids"][1:-1]], dtype=torch.long), minlength=vocab_size)
    counts[[PAD, CLS, SEP, MASK]] = 0
    pieces = counts.argsort(descending=True)[:size]
    pieces = pieces[counts[pieces] > 0]
    place = torch.full((vocab_size,), -1, dtype=torch.long)
    place[pieces] = torch.arange(len(pieces))
    return pieces, place


def masked(ids, vocab_size, place):
    """BERT's masking: 15 % of the predicted word pieces are picked; of those 80 % become [MASK],
    10 % a random piece, 10 % stay. Returns the input and the targets, as places among the
    predicted pieces (-100: not picked)."""
    picked = (place[ids] >= 0) & (torch.rand(ids.shape, device=ids.device) < 0.15)
    targets = torch.where(picked, place[ids], torch.full_like(ids, -100))
    roll = torch.rand(ids.shape, device=ids.device)
    inputs = torch.where(picked & (roll < 0.8), torch.full_like(ids, MASK), ids)
    random_piece = torch.randint(MASK + 1, vocab_size, ids.shape, device=ids.device)
    inputs = torch.where(picked & (roll >= 0.8) & (roll < 0.9), random_piece, inputs)
    return inputs, targets


def autocast(args):
    # torch.autocast takes a device type ("cuda"), not a device ("cuda:0").
    return torch.autocast(torch.device(args.device).type, dtype=torch.bfloat16, enabled=args.precision == "bf16")


def set_dropout(model, p):
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.p = p
        elif isinstance(module, nn.MultiheadAttention):
            module.dropout = p


def pretrain(args, model, lines, vocab_size):
    pieces, place = (t.to(args.device) for t in predicted_pieces(lines, args.mlm_vocab, vocab_size))
    set_dropout(model, args.mlm_dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.mlm_lr, weight_decay=0.01)
    deadline = time.time() + args.mlm_minutes * 60
    started, steps, tokens, epoch, losses = time.time(), 0, 0, 0, []
    warmup = 500
    model.train()
    # At least one step however short the time: building the first batch can outlast a few seconds'
    # budget on a loaded machine, and a run that asked for pre-training must have done some.
    while steps == 0 or time.time() < deadline:
        epoch, steps_before = epoch + 1, steps
        for _, ids, mask in on_device(lines, args.mlm_batch, True, args.device):
            if steps > 0 and time.time() >= deadline:
                break
            inputs, targets = masked(ids, vocab_size, place)
            picked = targets != -100
            if not picked.any():
                continue
            for group in optimizer.param_groups:
                group["lr"] = args.mlm_lr * min(1.0, (steps + 1) / warmup)
            with autocast(args):
                hidden = model.encode(inputs, mask)
                loss = F.cross_entropy(model.mlm_logits(hidden[picked], pieces).float(), targets[picked])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            steps += 1
            tokens += int(mask.sum())
            losses.append(loss.item())
            if steps % 500 == 0:
                print(f"mlm epoch {epoch} step {steps}: loss {sum(losses[-500:]) / 500:.3f}, "
                      f"{tokens / (time.time() - started):.0f} tokens/s", flush=True)
        if steps == steps_before:
            break  # a pass with nothing to predict: no more time would change that
    seconds = time.time() - started
    set_dropout(model, args.dropout)
    print(f"pre-trained {steps} steps, {tokens} tokens, {epoch} passes begun, {seconds:.0f}s", flush=True)
    return {"steps": steps, "tokens": tokens, "passesBegun": epoch, "seconds": round(seconds),
            "lastLoss": round(sum(losses[-100:]) / max(1, len(losses[-100:])), 4)}


@torch.no_grad()
def probabilities(args, model, rows):
    # In eval mode torch 1.13's encoder layers take a fused inference path that checks only CUDA's
    # autocast and fails on CPU bf16; the training path with dropout off computes the same.
    set_dropout(model, 0.0)
    model.train()
    out = torch.zeros(len(rows), len(LABELS))
    for chunk, ids, mask in on_device(rows, 512, False, args.device):
        with autocast(args):
            out[chunk] = F.softmax(model(ids, mask).float(), 1).cpu()
    set_dropout(model, args.dropout)
    return out


def clipped(rows, max_len):
    """Labelled rows with their ids cut to max_len, keeping the [SEP] (prepare.ts writes [CLS] … [SEP])."""
    return [r if len(r["ids"]) <= max_len else {**r, "ids": [*r["ids"][: max_len - 1], SEP]} for r in rows]


def fine_tune(args, model, train_rows, sets):
    train = clipped(train_rows, args.max_len)
    weights = torch.tensor(row_weights(train_rows, {}))
    y = torch.tensor([r["y"] for r in train_rows])
    binary = torch.tensor([bool(r["b"]) for r in train_rows])
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    batches_per_epoch = math.ceil(len(train) / args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=args.epochs * batches_per_epoch,
                                                   pct_start=0.1)
    best, history = None, []
    for epoch in range(1, args.epochs + 1):
        model.train()
        started = time.time()
        for chunk, ids, mask in on_device(train, args.batch, True, args.device):
            with autocast(args):
                logits = model(ids, mask).float()
            loss = sentiment_loss(logits, y[chunk].to(args.device), binary[chunk].to(args.device), weights[chunk].to(args.device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
        probs = {name: probabilities(args, model, clipped(rows, args.max_len)).tolist() for name, rows in sets.items()}
        figures = {name: scores(rows, probs[name]) for name, rows in sets.items() if name != "irony-val"}
        internal = figures["internal"]["macroRecall"]
        history.append({"epoch": epoch, "seconds": round(time.time() - started), "scores": figures})
        print(f"epoch {epoch}: " + ", ".join(f"{n} {f['macroRecall']:.4f}" for n, f in figures.items()), flush=True)
        if best is None or internal > best[0]:
            best = (internal, epoch, probs, {k: v.detach().clone() for k, v in model.state_dict().items()})
    model.load_state_dict(best[3])
    return best[1], best[2], history


def main():
    args = parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    with open(os.path.join(args.work, "prepare.json")) as f:
        vocab_size = json.load(f)["vocabSize"]
    train_rows = read_jsonl(os.path.join(args.work, "train.jsonl"))
    dev_dir, eval_dir = os.path.join(args.work, "dev-sets"), os.path.join(args.work, "eval")
    sets = {
        **{n[:-6]: read_jsonl(os.path.join(dev_dir, n)) for n in sorted(os.listdir(dev_dir))},
        "internal": read_jsonl(os.path.join(args.work, "dev.jsonl")),
        **{n[:-6]: read_jsonl(os.path.join(eval_dir, n)) for n in sorted(os.listdir(eval_dir))},
        "irony-val": read_jsonl(os.path.join(args.work, "irony-val.jsonl")),
    }
    lines = read_unlabelled(args.work, args.max_len, args.unlabelled_limit)
    print(f"device {args.device}, train {len(train_rows)}, unlabelled {len(lines)}, vocab {vocab_size}", flush=True)

    model = TweetEncoder(vocab_size, args).to(args.device)
    mlm = {"from": args.pretrained}
    if args.pretrained:
        model.load_state_dict(torch.load(args.pretrained, map_location=args.device))
    if args.mlm_minutes > 0:
        mlm.update(pretrain(args, model, lines, vocab_size))
        # Kept, so a fine-tuning that fails or is tried again does not cost the pre-training.
        torch.save(model.state_dict(), os.path.join(args.out, "pretrained.pt"))
    epoch, probs, history = fine_tune(args, model, train_rows, sets)
    with open(os.path.join(args.out, "probs.json"), "w") as f:
        json.dump({name: [[round(x, 4) for x in p] for p in rows] for name, rows in probs.items()}, f)
    with open(os.path.join(args.out, "unlabelled.txt"), "w") as f:
        for p in probabilities(args, model, lines).tolist():
            f.write(" ".join(f"{x:.3f}" for x in p) + "\n")
    irony = [p for r, p in zip(sets["irony-val"], probs["irony-val"]) if r["y"] == 1]
    report = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("work", "out")},
        "parameters": sum(p.numel() for p in model.parameters()),
        "pretraining": mlm,
        "keptEpoch": epoch,
        "ironicReadPositive": sum(max(range(3), key=lambda c: p[c]) == 2 for p in irony) / max(1, len(irony)),
        "epochs": history,
        "seconds": round(time.time() - started),
    }
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(f"kept epoch {epoch}; wrote {args.out} in {report['seconds']}s", flush=True)


if __name__ == "__main__":
    main()
