"""Reads an exported model folder (manifest.json, the exits' ONNX graphs and the shared weights.bin that
export.py writes) back into the PyTorch encoder of model.py, so that training can continue from the shipped
weights on a machine that has no checkpoint.

How each state-dict entry is found in the graphs:
- Most initializers keep their PyTorch name with the Exit wrapper's prefix: `encoder.layers.4.norm1.weight` is
  the state's `layers.4.norm1.weight`; the feature normalisation (`feat_mean`, `feat_istd`) is among them.
- The weights of the Linear layers do not: the exporter turns each Linear into MatMul + Add and stores its weight
  transposed ([in, out]) under a generated name (`onnx::MatMul_619`). Such a weight is identified by the graph's
  structure, not by the generated name: the MatMul's output feeds the Add whose other input is the layer's named
  bias (`encoder.layers.0.qkv.bias`), so the weight is `layers.0.qkv.weight`, transposed back.
- Tensors of 1 KiB and more live in weights.bin as ONNX external data (location, offset, length); smaller ones
  are inline. Each tensor is read with numpy from those bytes.
- The configuration: width, feed-forward size, vocabulary and layer count from the tensors' shapes, the mel bins
  and subsampling from the manifest, the attention heads from the constant the graph reshapes the attention's
  query/key/value projection with, cross-checked against its score scale 1/sqrt(width / heads). Stochastic depth
  and dropout are training settings that no export records; the caller chooses them.

Every graph that holds an entry must agree on its value, and every entry of the encoder's state dict must be found
with the right shape, or this fails naming what is missing: a layer that no exit uses cannot be recovered.

    /usr/bin/python3 models/recipe/reconstruct.py [--model models/gearbox-en] [--evaluate] [--checkpoint PATH]

`--evaluate` measures the reconstructed model's greedy WER per exit (the manifest's layers) on work/dev_synth and
prints it beside the manifest's `dev_wer.synth`.
"""
import argparse
import json
import math
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import model as M

PREFIX = "encoder."


def _tensor_array(tensor, model_dir, blobs):
    """The initializer's value as a numpy array, read from weights.bin when it is external data."""
    if tensor.data_location != onnx.TensorProto.EXTERNAL:
        return numpy_helper.to_array(tensor)
    info = {e.key: e.value for e in tensor.external_data}
    location = info["location"]
    if location not in blobs:
        with open(os.path.join(model_dir, location), "rb") as f:
            blobs[location] = f.read()
    blob = blobs[location]
    offset, length = int(info.get("offset", 0)), int(info["length"])
    if offset + length > len(blob):
        raise ValueError(f"{tensor.name}: bytes {offset}..{offset + length} lie beyond {location} "
                         f"({len(blob)} bytes)")
    dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tensor.data_type]
    return np.frombuffer(blob, dtype=dtype, count=length // np.dtype(dtype).itemsize,
                         offset=offset).reshape(list(tensor.dims)).copy()


def _constant_values(graph):
    """Output name -> value of every Constant node (the exporter writes reshape sizes and scales as these)."""
    values = {}
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return values


def graph_tensors(proto, model_dir, blobs):
    """State-dict key -> numpy array for every parameter and buffer this exit's graph holds."""
    graph = proto.graph
    initializers = {t.name: t for t in graph.initializer}
    found = {}
    for name, tensor in initializers.items():
        if name.startswith(PREFIX):
            found[name[len(PREFIX):]] = _tensor_array(tensor, model_dir, blobs)
    # A Linear is MatMul(x, W^T) followed by Add(bias, .) or Add(., bias): find W through the bias's name.
    consumers = {}
    for node in graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        weights = [i for i in node.input if i in initializers and not i.startswith(PREFIX)]
        if not weights:
            continue
        adds = [n for n in consumers.get(node.output[0], []) if n.op_type == "Add"]
        biases = [i for n in adds for i in n.input if i.startswith(PREFIX) and i.endswith(".bias")]
        if len(weights) != 1 or len(biases) != 1:
            raise ValueError(f"{node.name}: cannot tell which Linear layer its weight {weights} belongs to "
                             f"(biases after it: {biases})")
        key = biases[0][len(PREFIX):-len(".bias")] + ".weight"
        found[key] = np.ascontiguousarray(_tensor_array(initializers[weights[0]], model_dir, blobs).T)
    return found


def attention_heads(proto, d_model):
    """The heads the first layer's attention splits its projection into: the reshape [batch, frames, 3, heads,
    width / heads] after the qkv Linear, checked against the score scale sqrt(width / heads)."""
    graph = proto.graph
    constants = _constant_values(graph)
    producers = {o: n for n in graph.node for o in n.output}
    qkv_adds = [n for n in graph.node if n.op_type == "Add"
                and any(i.startswith(PREFIX + "layers.") and i.endswith(".qkv.bias") for i in n.input)]
    for add in qkv_adds:
        for reshape in (n for n in graph.node if n.op_type == "Reshape" and n.input[0] == add.output[0]):
            shape = producers.get(reshape.input[1])
            if shape is None or shape.op_type != "Concat" or len(shape.input) != 5:
                continue
            three, heads = (constants.get(i) for i in shape.input[2:4])
            if three is None or heads is None or int(np.asarray(three).ravel()[0]) != 3:
                continue
            heads = int(np.asarray(heads).ravel()[0])
            scale = math.sqrt(d_model // heads)
            if not any(n.op_type == "Div" and any(i in constants and np.asarray(constants[i]).size == 1
                                                  and abs(float(np.asarray(constants[i]).ravel()[0]) - scale) < 1e-4
                                                  for i in n.input) for n in graph.node):
                raise ValueError(f"{heads} heads found, but no attention score is scaled by 1/{scale}")
            return heads
    raise ValueError("no [batch, frames, 3, heads, width / heads] reshape after a qkv projection in the graph")


def load_exported(model_dir, stochastic_depth=0.1, dropout=0.0):
    """(net in eval mode, manifest) from an exported model folder; raises when any state entry is missing."""
    with open(os.path.join(model_dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    blobs, tensors, heads = {}, {}, None
    for entry in manifest["exits"]:
        proto = onnx.load(os.path.join(model_dir, entry["file"]), load_external_data=False)
        for key, value in graph_tensors(proto, model_dir, blobs).items():
            if key in tensors and not np.array_equal(tensors[key], value):
                raise ValueError(f"{entry['file']} disagrees with another exit on {key}")
            tensors[key] = value
        if heads is None:
            heads = attention_heads(proto, tensors["final_norm.weight"].shape[0])
    layer_ids = sorted({int(k.split(".")[1]) for k in tensors if k.startswith("layers.")})
    if not layer_ids:
        raise ValueError(f"{model_dir}: no encoder layer in any exit")
    config = dict(vocab_size=tensors["ctc.bias"].shape[0], n_mels=manifest["features"]["num_mel_bins"],
                  d_model=tensors["final_norm.weight"].shape[0], heads=heads,
                  ff=tensors[f"layers.{layer_ids[0]}.ff.0.bias"].shape[0], layers=layer_ids[-1] + 1,
                  dropout=dropout, stochastic_depth=stochastic_depth,
                  subsampling=manifest["subsampling_factor"])
    depthwise = tensors.get(f"layers.{layer_ids[0]}.conv.depthwise.weight")
    if depthwise is not None:  # Conformer-style layers: the kernel from the depthwise convolution's shape
        config["conv_kernel"] = depthwise.shape[-1]
    net = M.CtcEncoder(**config)
    state = net.state_dict()
    missing = [k for k in state if k not in tensors]
    if missing:
        raise ValueError(f"{model_dir}: {len(missing)} state entries are in no exit's graph, e.g. {missing[:6]}")
    unexpected = [k for k in tensors if k not in state]
    if unexpected:
        raise ValueError(f"{model_dir}: graph tensors that the encoder has no place for: {unexpected[:6]}")
    for k, v in state.items():
        if tuple(v.shape) != tensors[k].shape:
            raise ValueError(f"{k}: {tensors[k].shape} in the graphs, {tuple(v.shape)} in the encoder")
    net.load_state_dict({k: torch.tensor(np.array(tensors[k]), dtype=state[k].dtype) for k in state})
    return net.eval(), manifest


def tokenizer(model_dir, work, cache_dir):
    """The SentencePiece model of the exported folder: WORK/bpe.model when there is one, else trained again into
    CACHE_DIR with the recipe's own settings (train.train_tokenizer is deterministic for the same texts). Either way
    its pieces must be the folder's tokens.txt, id for id, or the CTC head's outputs would mean other pieces."""
    import train
    source = work if os.path.exists(os.path.join(work, "bpe.model")) else cache_dir
    os.makedirs(source, exist_ok=True)
    with open(os.path.join(model_dir, "tokens.txt"), encoding="utf-8") as f:
        shipped = [line.rstrip("\n").rsplit(" ", 1)[0] for line in f if line.strip()]
    sp = train.train_tokenizer(source, len(shipped), 1)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    if pieces != shipped:
        wrong = next(i for i, (x, y) in enumerate(zip(pieces, shipped)) if x != y) if len(pieces) == len(shipped) \
            else min(len(pieces), len(shipped))
        raise ValueError(f"{source}/bpe.model is not the vocabulary of {model_dir}/tokens.txt (first difference at "
                         f"id {wrong}): move it away or restore the texts it was trained on")
    return sp


def exit_layers(manifest):
    """{depth: [layer ids]} as the manifest's exits keep them."""
    return {e["depth"]: list(e["layers"]) for e in manifest["exits"]}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(here, "..", "gearbox-en"))
    p.add_argument("--work", default=os.path.join(here, "work"))
    p.add_argument("--evaluate", action="store_true")
    p.add_argument("--checkpoint", default=None,
                   help="also write the model as a weights-only checkpoint at step 0 of continuous training, which "
                        "ship.py takes (`ship.py --checkpoint PATH --dry-run` then measures the shipped model anew)")
    p.add_argument("--cache", default=os.path.join(here, "work", "continuous"),
                   help="where the tokenizer is trained again when WORK has no bpe.model")
    a = p.parse_args()
    torch.set_num_threads(1)
    net, manifest = load_exported(a.model)
    print(json.dumps({"config": net.config, "parameters": sum(t.numel() for t in net.parameters())}))
    if a.checkpoint:
        import train_continuous as continuous
        torch.save({"config": net.config, "state": net.state_dict(), "step": 0, "cycle": 0, "train_seconds": 0.0,
                    "audio_seconds": 0.0, "base": continuous.base_totals(manifest),
                    "exit_layers": {str(d): ids for d, ids in exit_layers(manifest).items()},
                    "source": {"model": os.path.abspath(a.model), "version": manifest["version"]}}, a.checkpoint)
    if a.evaluate:
        import evaluate
        import train
        sp = tokenizer(a.model, a.work, a.cache)
        dev = train.load_split(a.work, "dev_synth")
        wer = evaluate.wer_table(net, sp, {"synth": dev}, exit_layers(manifest))
        print("| depth | layers | greedy WER synth, reconstructed | manifest dev_wer.synth |")
        print("|---|---|---|---|")
        for e in manifest["exits"]:
            print(f"| {e['depth']} | {','.join(str(l + 1) for l in e['layers'])} | {wer[e['depth']]['synth']:.4f} | "
                  f"{e['dev_wer']['synth']:.4f} |")


if __name__ == "__main__":
    main()
