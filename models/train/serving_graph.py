"""The ONNX graph a SentimentCNN is served with, and its weights read back.

train.py and finetune.py write it (`write`); finetune.py and teachers.py read a model folder's
weights back into a SentimentCNN (`read`). Its contract is the runtime's: inputs `input_ids`
and `attention_mask` (int64, batch x sequence), output `logits` (batch x 3).

Why a graph built here rather than torch.onnx.export: the convolutions were 68 % of a batch's
time in ONNX Runtime and masking them (Where, Pad) another 20 %. Here every word-piece vector
is int8 once, in the file (one scale for the table, the zero vector exact), so a batch's
vectors are gathered as bytes and each convolution width is one integer matrix product over
its window of shifted copies (MatMulIntegerToFloat, with one int8 scale per filter); padded
positions are masked by an add before the max, since the max of a ReLU is the ReLU of the max.
A text's vectors do not depend on the batch it is in, so neither do its probabilities. Batch
64 on 2 cores: 5.4 -> 1.6 ms, held-out figures within half a point, `model.onnx` 12 -> 3 MB
(models/README.md).

Names: `embed.int8` (vocabulary x dim, uint8) with `embed.scale` and `embed.zero_point`;
per convolution K of width w, `convs.K.weight.int8` ((w x dim) x filters: its taps in order,
each a dim-wide block of rows) with `convs.K.weight.scale` (per filter) and `convs.K.bias`;
`head.*` and `irony.*` as in the module.
"""
import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

INPUTS = ("input_ids", "attention_mask")
# Added to the padded positions before the max: far below any activation.
MASKED = 1e4


def quantize_table(table):
    """uint8 codes, scale and zero point with 0.0 exactly representable (the padding vector)."""
    lo, hi = min(0.0, float(table.min())), max(0.0, float(table.max()))
    scale = (hi - lo) / 255.0 or 1.0
    zero_point = int(round(-lo / scale))
    codes = np.clip(np.round(table / scale) + zero_point, 0, 255).astype(np.uint8)
    return codes, np.float32(scale), np.uint8(zero_point)


def quantize_filters(weight):
    """Symmetric int8 per output column (filter)."""
    scale = (np.abs(weight).max(0) / 127.0).astype(np.float32)
    scale[scale == 0] = 1.0
    return np.clip(np.round(weight / scale), -127, 127).astype(np.int8), scale


def window_matrix(conv_weight):
    """Conv1d weight (filters x dim x w) -> (w x dim) x filters, tap j in rows j*dim..(j+1)*dim."""
    return np.concatenate([conv_weight[:, :, j].T for j in range(conv_weight.shape[2])], 0).astype(np.float32)


def quantized(state):
    """The int8 initializers (`write`'s names) of a SentimentCNN state dict (name -> numpy array)."""
    codes, scale, zero_point = quantize_table(state["embed.weight"])
    q = {"embed.int8": codes, "embed.scale": scale, "embed.zero_point": zero_point}
    for name in [k for k in state if k.startswith("convs.") and k.endswith(".weight")]:
        q[f"{name}.int8"], q[f"{name}.scale"] = quantize_filters(window_matrix(state[name]))
    return q


def dequantized(q):
    """The float weights (state dict names) that `quantized`'s initializers stand for."""
    state = {"embed.weight": (q["embed.int8"].astype(np.float32) - q["embed.zero_point"]) * q["embed.scale"]}
    dim = state["embed.weight"].shape[1]
    for name in [k for k in q if k.startswith("convs.") and k.endswith(".weight.int8")]:
        matrix = q[name].astype(np.float32) * q[name[: -len(".int8")] + ".scale"]
        taps = matrix.shape[0] // dim
        state[name[: -len(".int8")]] = np.stack([matrix[j * dim:(j + 1) * dim].T for j in range(taps)], 2)
    return state


def as_served(state):
    """The state dict (torch tensors) with the values the served graph computes with, so that what
    train.py evaluates and reports is what the runtime will answer (up to float rounding)."""
    arrays = {k: v.detach().numpy() for k, v in state.items()}
    served = dequantized(quantized(arrays))
    return {k: torch.from_numpy(np.array(served.get(k, v), dtype=np.float32)) for k, v in arrays.items()}


def write(state, path):
    """Writes the serving graph of a SentimentCNN state dict (name -> numpy array) to `path`."""
    convs = sorted({int(k.split(".")[1]) for k in state if k.startswith("convs.")})
    widths = [state[f"convs.{k}.weight"].shape[2] for k in convs]
    back = max(widths) - 1  # the widest window looks this many tokens back
    inits, nodes = [], []

    def const(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op, inputs, output, **attrs):
        nodes.append(helper.make_node(op, inputs, [output], **attrs))
        return output

    q = quantized(state)
    for name in ("embed.int8", "embed.scale", "embed.zero_point"):
        const(name, q[name])
    axis1, axis2 = const("axis1", np.array([1], np.int64)), const("axis2", np.array([2], np.int64))
    one = const("one", np.array(1.0, np.float32))

    mask = node("Unsqueeze", [node("Cast", ["attention_mask"], "mask", to=TensorProto.FLOAT), axis2], "mask3")
    codes_in = node("Gather", ["embed.int8", "input_ids"], "x.int8")
    vectors = node("Mul", [node("DequantizeLinear", [codes_in, "embed.scale", "embed.zero_point"], "x"), mask], "x.masked")
    count = node("Max", [node("ReduceSum", [mask, axis1], "count", keepdims=0), one], "count.min1")
    pooled = [node("Div", [node("ReduceSum", [vectors, axis1], "x.sum", keepdims=0), count], "mean")]
    masked = node("Mul", [node("Sub", [mask, one], "mask.off"), const("masked", np.array(MASKED, np.float32))], "mask.add")

    # Token t's window is t-w+1..t; before the text, the zero vector (the zero point's code).
    padded = node("Pad", [codes_in, const("pads", np.array([0, back, 0, 0, 0, 0], np.int64)), "embed.zero_point"], "x.padded")
    shifted = {0: codes_in}
    for s in range(1, back + 1):
        start, end = const(f"shift{s}.start", np.array([back - s], np.int64)), const(f"shift{s}.end", np.array([-s], np.int64))
        shifted[s] = node("Slice", [padded, start, end, axis1], f"x.back{s}")
    for k, w in zip(convs, widths):
        window = [shifted[w - 1 - j] for j in range(w)]
        inputs = node("Concat", window, f"window{w}", axis=2) if w > 1 else window[0]
        out = node("MatMulIntegerToFloat", [inputs, const(f"convs.{k}.weight.int8", q[f"convs.{k}.weight.int8"]), "embed.scale",
                                            const(f"convs.{k}.weight.scale", q[f"convs.{k}.weight.scale"]), "embed.zero_point"],
                   f"conv{k}", domain="com.microsoft")
        top = node("ReduceMax", [node("Add", [out, masked], f"conv{k}.masked")], f"conv{k}.max", axes=[1], keepdims=0)
        pooled.append(node("Relu", [node("Add", [top, const(f"convs.{k}.bias", state[f"convs.{k}.bias"])], f"conv{k}.biased")],
                           f"conv{k}.pooled"))
    features = node("Concat", pooled, "features", axis=1)
    head = [const("head.weight", state["head.weight"]), const("head.bias", state["head.bias"])]
    if "irony.weight" in state:
        irony = node("Sigmoid", [node("Gemm", [features, const("irony.weight", state["irony.weight"]),
                                                 const("irony.bias", state["irony.bias"])], "irony.logit", transB=1)], "irony")
        shift = node("Mul", [irony, const("irony_shift", state["irony_shift"])], "irony.shift")
        node("Add", [node("Gemm", [features, *head], "sentiment", transB=1), shift], "logits")
    else:
        node("Gemm", [features, *head], "logits", transB=1)

    graph = helper.make_graph(
        nodes, "pulse-cnn",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"]) for name in INPUTS],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14), helper.make_opsetid("com.microsoft", 1)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def read(path):
    """A SentimentCNN state dict (name -> torch tensor) from a model.onnx that `write` or, before
    it, torch.onnx.export wrote (its initializers carry the module's names): int8 weights come
    back as the values they stand for."""
    stored = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    state = {k: v for k, v in stored.items() if k.split(".")[0] in ("embed", "convs", "head", "irony", "irony_shift")
             and not k.endswith((".int8", ".scale", ".zero_point"))}
    if "embed.int8" in stored:
        state.update(dequantized(stored))
    return {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()}
