#!/usr/bin/env python3
"""Teachers for distillation (issue 17): a word + character n-gram model beside the CNNs, and their average.

Reads the work folder prepare.ts writes (the same de-duplicated training rows train.py trains on;
the dev and evaluation sets were removed from them there) and:
1. trains Debian's `fasttext supervised` (word unigrams + bigrams, character 2–5-grams) on those
   rows, written back as text from their word-piece ids, over a small grid of epochs and learning
   rates, and keeps the run with the best macro recall on the dev set (--dev; the future tweets by
   default). fastText has no row weights, so each row is repeated by train.py's weight (source
   weight × inverse class frequency) with stochastic rounding; SST-2 rows keep their
   negative/positive label (fastText cannot leave neutral free as train.py's loss does), so how
   much they weigh is part of the grid (--binary-weight);
2. reads each --cnn model folder's weights (train.py exports) and computes every model's
   probabilities on the dev set, the internal slice and the evaluation sets; each --probs folder
   brings a member's probabilities computed elsewhere (tweet_encoder.py, the GPU step);
3. averages them ("all", and the pairs a student could learn from) and reports every member and
   average on every set, binary on SST-2 as train.py and eval:model score it; the teacher is the
   member or average with the best macro recall on the dev set. The evaluation sets are reported,
   never used to pick.

Writes OUT/ngram/ (fastText's input files and the kept model.bin), OUT/probs/<model>/<set>.json and
OUT/teachers.json, and prints a table. --label-unlabelled also writes OUT/soft.jsonl: the
teacher's probabilities for every unlabelled tweet, as {"ids", "p"} rows: the distillation
targets `train.py --soft` learns.
Run with Debian's interpreter: /usr/bin/python3 (python3-torch, python3-onnx, fasttext).
"""
import argparse
import functools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from finetune import build, load_base  # noqa: E402
from train import LABELS, predict, read_jsonl, row_weights, scores, write_json  # noqa: E402

CLS, SEP = 101, 102


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=os.path.join(here, "work"), help="folder written by prepare.ts")
    p.add_argument("--out", required=True, help="scratch folder for the n-gram model, probabilities and report")
    p.add_argument("--cnn", action="append", default=[], help="a CNN model folder written by train.py (repeatable)")
    p.add_argument("--probs", action="append", default=[],
                   help="a folder tweet_encoder.py wrote (probs.json, unlabelled.txt) from this work folder: a member "
                        "whose probabilities were computed elsewhere, e.g. on a GPU machine (repeatable)")
    p.add_argument("--dev", default="semeval2016-test", help="the set that picks the n-gram run: a file of WORK/dev-sets/ or internal (default: %(default)s)")
    p.add_argument("--epochs", default="5,10", help="fastText epochs tried (default: %(default)s)")
    p.add_argument("--lr", default="0.2,0.5", help="fastText learning rates tried (default: %(default)s)")
    p.add_argument("--binary-weight", default="1,0.3,0",
                   help="multipliers of the binary (SST-2) rows' weight tried: fastText can only read them as "
                        "sure negatives/positives, which teaches that review-style text is never neutral (default: %(default)s)")
    p.add_argument("--dim", type=int, default=50, help="fastText vector size (default: %(default)s)")
    p.add_argument("--buckets", type=int, default=2000000, help="fastText hash buckets for n-grams (default: %(default)s)")
    p.add_argument("--label-unlabelled", action="store_true",
                   help="also write OUT/soft.jsonl: the teacher's probabilities for WORK/unlabelled.txt's tweets")
    p.add_argument("--unlabelled-limit", type=int, default=0,
                   help="label only the first N new tweets of unlabelled.txt (0: all)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    p.add_argument("--seed", type=int, default=13)
    return p.parse_args()


def piece_decoder(work):
    """Word-piece ids → the normalised text they spell ("##" pieces glued to the previous one)."""
    vocab = json.load(open(os.path.join(work, "tokenizer", "tokenizer.json"), encoding="utf8"))["model"]["vocab"]
    pieces = {i: p for p, i in vocab.items()}

    def decode(ids):
        words = []
        for i in ids:
            if i in (CLS, SEP):
                continue
            p = pieces.get(i, "[UNK]")
            if p.startswith("##") and words:
                words[-1] += p[2:]
            else:
                words.append(p)
        # fastText reads an empty line as no example; a lone [UNK] keeps one prediction per row.
        return " ".join(words) or "[UNK]"

    return decode


def write_lines(path, lines):
    with open(path, "w", encoding="utf8") as f:
        for line in lines:
            f.write(line + "\n")


def write_train_file(path, rows, decode, seed, binary_weight):
    """Each row repeated by its train.py weight (stochastic rounding), shuffled: fastText reads the
    file in order while its learning rate decays, and has no per-row weights."""
    rng = random.Random(seed)
    lines = []
    for r, w in zip(rows, row_weights(rows, {})):
        w *= binary_weight if r["b"] else 1.0
        copies = int(w) + (rng.random() < w - int(w))
        lines.extend([f"__label__{LABELS[r['y']]} {decode(r['ids'])}"] * copies)
    rng.shuffle(lines)
    write_lines(path, lines)
    return len(lines)


def fasttext_probs(model_bin, text_file):
    out = subprocess.run(["fasttext", "predict-prob", model_bin, text_file, "3"],
                         check=True, capture_output=True, text=True).stdout
    probs = []
    for line in out.splitlines():
        parts = line.split()
        p = dict(zip((l.removeprefix("__label__") for l in parts[0::2]), map(float, parts[1::2])))
        probs.append([p.get(l, 0.0) for l in LABELS])
    return probs


def train_ngram(args, train_rows, sets, decode):
    """The grid run with the best dev macro recall; returns its model file and the grid's figures."""
    folder = os.path.join(args.out, "ngram")
    os.makedirs(folder, exist_ok=True)
    dev_file = os.path.join(folder, f"{args.dev}.txt")
    write_lines(dev_file, (decode(r["ids"]) for r in sets[args.dev]))
    grid, best = [], None
    for binary_weight in (float(b) for b in args.binary_weight.split(",")):
        train_file = os.path.join(folder, f"train-b{binary_weight}.txt")
        n_lines = write_train_file(train_file, train_rows, decode, args.seed, binary_weight)
        print(f"n-gram training file, binary rows x{binary_weight}: {len(train_rows)} rows -> {n_lines} lines",
              flush=True)
        for epochs in (int(e) for e in args.epochs.split(",")):
            for lr in (float(x) for x in args.lr.split(",")):
                stem = os.path.join(folder, f"b{binary_weight}-e{epochs}-lr{lr}")
                started = time.time()
                subprocess.run(
                    ["fasttext", "supervised", "-input", train_file, "-output", stem, "-dim", str(args.dim),
                     "-epoch", str(epochs), "-lr", str(lr), "-wordNgrams", "2", "-minn", "2", "-maxn", "5",
                     "-bucket", str(args.buckets), "-thread", str(args.threads), "-seed", str(args.seed),
                     "-verbose", "0"],
                    check=True,
                )
                os.remove(stem + ".vec")  # the word vectors: not used, and large
                dev = scores(sets[args.dev], fasttext_probs(stem + ".bin", dev_file))["macroRecall"]
                grid.append({"binaryWeight": binary_weight, "epochs": epochs, "lr": lr, "devMacroRecall": dev,
                             "seconds": round(time.time() - started)})
                print(f"n-gram binary x{binary_weight} epochs {epochs} lr {lr}: {args.dev} macro recall {dev:.4f} "
                      f"({time.time() - started:.0f}s)", flush=True)
                if best is None or dev > best[0]:
                    if best is not None:
                        os.remove(best[1])
                    best = (dev, stem + ".bin", {"binaryWeight": binary_weight, "epochs": epochs, "lr": lr})
                else:
                    os.remove(stem + ".bin")
    kept = os.path.join(folder, "model.bin")
    shutil.move(best[1], kept)
    return kept, {**best[2], "grid": grid}


def save_probs(args, model_name, set_name, probs):
    folder = os.path.join(args.out, "probs", model_name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{set_name}.json"), "w") as f:
        json.dump(probs, f)


def ngram_predictor(model_bin, decode):
    def predict_rows(rows, _set_name):
        text_file = model_bin + ".input.txt"
        write_lines(text_file, (decode(r["ids"]) for r in rows))
        return fasttext_probs(model_bin, text_file)

    return predict_rows


def cnn_predictor(folder):
    config, weights = load_base(folder)
    model = build(config, weights, 0.0)
    return lambda rows, _set_name: predict(model, rows)


def precomputed_predictor(folder):
    """A member whose probabilities tweet_encoder.py computed from the same work folder: per set in
    the set file's order, and per line of unlabelled.txt."""
    with open(os.path.join(folder, "probs.json")) as f:
        per_set = json.load(f)

    @functools.cache
    def unlabelled():  # ~13 MB, read only when the unlabelled tweets are labelled
        with open(os.path.join(folder, "unlabelled.txt")) as f:
            return [[float(x) for x in line.split()] for line in f]

    def predict_rows(rows, set_name):
        if set_name == "unlabelled":
            per_line = unlabelled()
            if rows and rows[-1]["line"] >= len(per_line):
                sys.exit(f"{folder}: probabilities for {len(per_line)} unlabelled lines, line {rows[-1]['line']} asked for")
            return [per_line[r["line"]] for r in rows]
        if len(per_set.get(set_name, [])) != len(rows):
            sys.exit(f"{folder}: {set_name} has {len(per_set.get(set_name, []))} rows there, {len(rows)} here: another work folder")
        return per_set[set_name]

    return predict_rows


def average(prob_lists):
    return [[sum(p[c] for p in row) / len(row) for c in range(len(LABELS))] for row in zip(*prob_lists)]


def text_key(text):
    """Letters and digits only: the decoded form of lib/datasets.ts's dedupKey (case and
    punctuation ignored), so a tweet is recognised under another spelling of its punctuation."""
    return re.sub(r"[\W_]+", "", text)


def label_unlabelled(args, train_rows, sets, members, decode):
    """The teacher's probabilities for the unlabelled tweets as {"ids", "p"} rows. The file also
    holds the training texts (prepare.ts appends them for the word vectors) and the dev and
    evaluation sets' tweets are among the unlabelled ones: both are left out, or a student would
    learn the teacher's answers on the very tweets that measure it."""
    irony_val = read_jsonl(os.path.join(args.work, "irony-val.jsonl"))
    known = {text_key(decode(r["ids"])) for rows in (train_rows, irony_val, *sets.values()) for r in rows}
    rows, skipped = [], 0
    with open(os.path.join(args.work, "unlabelled.txt"), encoding="utf8") as f:
        for n, line in enumerate(f):
            ids = [CLS, *(int(t) for t in line.split()), SEP]
            key = text_key(decode(ids))
            if len(ids) == 2 or key in known:  # repeats (retweets) are labelled once
                skipped += 1
                continue
            known.add(key)
            rows.append({"ids": ids, "b": 0, "line": n})
            if args.unlabelled_limit and len(rows) >= args.unlabelled_limit:
                break
    print(f"left out {skipped} lines: training, dev or evaluation texts, repeats, empty lines", flush=True)
    print(f"labelling {len(rows)} unlabelled tweets", flush=True)
    probs = average([predict_rows(rows, "unlabelled") for predict_rows in members.values()])
    with open(os.path.join(args.out, "soft.jsonl"), "w") as f:
        for r, p in zip(rows, probs):
            f.write(json.dumps({"ids": r["ids"], "p": [round(x, 4) for x in p]}) + "\n")


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    if shutil.which("fasttext") is None:
        sys.exit("fasttext not found: apt-get install -y fasttext")
    os.makedirs(args.out, exist_ok=True)
    decode = piece_decoder(args.work)
    train_rows = read_jsonl(os.path.join(args.work, "train.jsonl"))
    dev_dir = os.path.join(args.work, "dev-sets")
    eval_dir = os.path.join(args.work, "eval")
    sets = {
        **{n[:-6]: read_jsonl(os.path.join(dev_dir, n)) for n in sorted(os.listdir(dev_dir))},
        "internal": read_jsonl(os.path.join(args.work, "dev.jsonl")),
        **{n[:-6]: read_jsonl(os.path.join(eval_dir, n)) for n in sorted(os.listdir(eval_dir))},
    }
    if args.dev not in sets:
        sys.exit(f"--dev {args.dev}: not one of {', '.join(sets)}")

    ngram_bin, ngram_choice = train_ngram(args, train_rows, sets, decode)
    cnns = {os.path.basename(os.path.normpath(c)): cnn_predictor(c) for c in args.cnn}
    precomputed = {os.path.basename(os.path.normpath(p)): precomputed_predictor(p) for p in args.probs}
    members = {**cnns, **precomputed}
    members["ngram"] = ngram_predictor(ngram_bin, decode)
    ensembles = {"all": list(members)}
    if len(cnns) > 1:
        ensembles["cnns"] = list(cnns)
    ensembles.update({f"{n}+ngram": [n, "ngram"] for n in cnns if len(cnns) > 1})
    # What a member computed elsewhere adds to each CNN alone: the pair a student would learn from.
    ensembles.update({f"{p}+{c}": [p, c] for p in precomputed for c in cnns})
    report = {"dev": args.dev, "ngram": ngram_choice, "members": list(members), "scores": {}}
    for set_name, rows in sets.items():
        member_probs = {name: predict_rows(rows, set_name) for name, predict_rows in members.items()}
        for name, probs in member_probs.items():
            save_probs(args, name, set_name, probs)
        figures = {name: scores(rows, probs) for name, probs in member_probs.items()}
        for name, names in ensembles.items():
            figures[name] = scores(rows, average([member_probs[n] for n in names]))
        report["scores"][set_name] = figures

    # The teacher is whichever member or average does best on the dev set: a member that does not
    # pay there (the n-gram model beside the encoder, issue 17) is left out of the soft labels; a tie
    # goes to the fewer members.
    candidates = {**{m: [m] for m in members}, **ensembles}
    report["teacher"] = max(candidates, key=lambda name: (report["scores"][args.dev][name]["macroRecall"], -len(candidates[name])))
    write_json(os.path.join(args.out, "teachers.json"), report)
    models = list(next(iter(report["scores"].values())))
    print(f"{'model':<24}" + "".join(f"{s:>18}" for s in sets) + "   (macro recall; SST-2: binary accuracy)")
    for m in models:
        cells = []
        for s in sets:
            f = report["scores"][s][m]
            cells.append(f"{f['accuracy'] if s.startswith('sst2') else f['macroRecall']:>18.4f}")
        print(f"{m:<24}" + "".join(cells))
    print(f"teacher (best on {args.dev}): {report['teacher']}", flush=True)
    if args.label_unlabelled:
        teacher = {name: members[name] for name in candidates[report["teacher"]]}
        label_unlabelled(args, train_rows, sets, teacher, decode)


if __name__ == "__main__":
    main()
