#!/usr/bin/env bash
# `npm run model:train`: the shipped model's whole recipe (issue 17), each step a script of its own.
set -euo pipefail

usage="Usage: npm run model:train [-- --encoder DIR]

Rebuilds models/pulse-sentiment from ../shared/datasets in five steps, on this machine's
CPUs (78 min on 2 cores with AMX; intermediate folders under models/train/work/):
  1. prepare.ts          the work folder: token ids of the training, dev and evaluation sets
  2. train.py            a CNN of the shipped architecture on the gold labels (a teacher)
  3. tweet_encoder.py    a small transformer pre-trained on the unlabelled tweets for 30 min
                         and fine-tuned (58 of the 78 min; the step a GPU machine can take)
  4. teachers.py         the teacher: the member or average best on the future dev set,
                         and its soft labels for the unlabelled tweets
  5. train.py --soft     the shipped model: the CNN on the gold labels and those soft labels,
                         its decision rule (logit offsets) tuned on the future dev set

Options:
  --encoder DIR   skip step 3: use the folder tweet_encoder.py wrote elsewhere (a GPU
                  machine) from this very work folder
  -h, --help      show this help"

encoder=""
while [ $# -gt 0 ]; do
  case "$1" in
    --encoder) encoder="${2:?--encoder needs a folder}"; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "unknown option $1" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done

[ -z "$encoder" ] || encoder="$(realpath "$encoder")"
# From the repository root, with paths relative to it: the files the run writes record them
# (metrics.json's hyperparameters), and this machine's folders mean nothing in a committed model.
cd "$(dirname "$0")/../.."
here=models/train
work="$here/work"
python=/usr/bin/python3   # Debian's: python3-torch, python3-onnx, fasttext

npx tsx "$here/prepare.ts" --out "$work"
"$python" "$here/train.py" --work "$work" --out "$work/teacher-cnn"
if [ -z "$encoder" ]; then
  encoder="$work/encoder"
  "$python" "$here/tweet_encoder.py" --work "$work" --out "$encoder" --mlm-minutes 30 --epochs 2
fi
# The n-gram settings its grid kept (models/README.md): the grid costs minutes and never moved.
"$python" "$here/teachers.py" --work "$work" --out "$work/teachers" --cnn "$work/teacher-cnn" --probs "$encoder" \
  --binary-weight 0 --epochs 5 --lr 0.2 --label-unlabelled
"$python" "$here/train.py" --work "$work" --soft "$work/teachers/soft.jsonl" --rule-dev semeval2016-test
