"""Exports each exit as its own ONNX model (opset 17) whose weights live in ONE shared file, and writes the
model folder: manifest.json, tokens.txt, weights.bin, exit-XX.onnx.

Sharing works by content: every initializer of every exit is hashed; each distinct tensor is stored once in
weights.bin and every graph refers to it as ONNX external data (location, offset, length). The exits share
the front end, the layers they have in common, the final LayerNorm and the CTC head, so the folder is about
the size of the full model.
"""
import argparse
import hashlib
import inspect
import io
import json
import os

import onnx
import sentencepiece as spm
import torch
from onnx import numpy_helper

import features
import model as M

WEIGHTS = "weights.bin"
MODEL_VERSION = "4"  # bump whenever the shipped weights or exits change
INLINE_BELOW = 1024  # bytes; tiny constants stay inside each graph
ALIGN = 64


def load_checkpoint(path):
    ckpt = torch.load(path, map_location="cpu")
    net = M.CtcEncoder(**ckpt["config"])
    net.load_state_dict(ckpt["state"])
    return net.eval(), ckpt


def export_exit(net, layer_ids):
    exit_model = M.Exit(net, layer_ids).eval()
    feats = torch.randn(1, 237, net.config["n_mels"])
    lengths = torch.tensor([237])
    buf = io.BytesIO()
    # The TorchScript exporter, which PyTorch 2.9 and later no longer use unless asked (this graph's contract is its).
    legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    with torch.no_grad():
        torch.onnx.export(exit_model, (feats, lengths), buf, opset_version=17, **legacy,
                          input_names=["features", "feature_lengths"],
                          output_names=["log_probs", "log_prob_lengths"],
                          dynamic_axes={"features": {0: "batch", 1: "frames"}, "feature_lengths": {0: "batch"},
                                        "log_probs": {0: "batch", 1: "out_frames"},
                                        "log_prob_lengths": {0: "batch"}})
    return onnx.load_model_from_string(buf.getvalue())


class SharedWeights:
    def __init__(self, path):
        self.file = open(path, "wb")
        self.offsets = {}
        self.size = 0

    def externalise(self, proto):
        for tensor in proto.graph.initializer:
            raw = numpy_helper.to_array(tensor).tobytes()
            if len(raw) < INLINE_BELOW:
                continue
            key = hashlib.sha256(raw + str(tensor.data_type).encode() + str(list(tensor.dims)).encode()).hexdigest()
            if key not in self.offsets:
                pad = (-self.size) % ALIGN
                self.file.write(b"\0" * pad)
                self.offsets[key] = self.size + pad
                self.file.write(raw)
                self.size += pad + len(raw)
            tensor.ClearField("raw_data")
            for field in ("float_data", "int64_data", "int32_data", "double_data"):
                tensor.ClearField(field)
            tensor.data_location = onnx.TensorProto.EXTERNAL
            del tensor.external_data[:]
            for k, v in (("location", WEIGHTS), ("offset", str(self.offsets[key])), ("length", str(len(raw)))):
                entry = tensor.external_data.add()
                entry.key, entry.value = k, v

    def close(self):
        self.file.close()


def parameters_of(net, layer_ids):
    count = lambda m: sum(p.numel() for p in m.parameters())
    return (count(net.frontend) + sum(count(net.layers[i]) for i in layer_ids) + count(net.final_norm)
            + count(net.ctc))


def write_tokens(sp, path):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(sp.get_piece_size()):
            f.write(f"{sp.id_to_piece(i)} {i}\n")


def export(net, sp, out_dir, exit_layers, name, dev_wer=None, extra=None):
    """exit_layers: {depth: [layer ids]}; dev_wer: {depth: {split: wer}}."""
    os.makedirs(out_dir, exist_ok=True)
    shared = SharedWeights(os.path.join(out_dir, WEIGHTS))
    exits = []
    for depth in sorted(exit_layers):
        proto = export_exit(net, exit_layers[depth])
        shared.externalise(proto)
        file = f"exit-{depth:02d}.onnx"
        onnx.save_model(proto, os.path.join(out_dir, file))
        onnx.checker.check_model(os.path.join(out_dir, file))
        entry = {"depth": depth, "file": file, "layers": list(exit_layers[depth]),
                 "parameters": parameters_of(net, exit_layers[depth])}
        if dev_wer is not None:
            entry["dev_wer"] = dev_wer[depth]
        exits.append(entry)
    shared.close()
    write_tokens(sp, os.path.join(out_dir, "tokens.txt"))
    manifest = {
        "name": name, "version": MODEL_VERSION, "language": "en", "sample_rate": features.SAMPLE_RATE,
        "features": features.CONFIG, "normalization": "global-mean-var-in-model",
        "subsampling_factor": net.frontend.factor, "min_feature_frames": 15, "vocabulary": "tokens.txt",
        "token_type": "sentencepiece-bpe", "word_boundary": "\u2581", "blank_id": 0,
        "inputs": {"features": "features", "feature_lengths": "feature_lengths"},
        "outputs": {"log_probs": "log_probs", "log_prob_lengths": "log_prob_lengths"},
        "weights": WEIGHTS, "exits": exits}
    if extra:
        manifest.update(extra)
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return manifest


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", default=os.path.join(os.path.dirname(__file__), "work"))
    p.add_argument("--checkpoint", default=None)
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "gearbox-en"))
    p.add_argument("--name", default="gearbox-en")
    a = p.parse_args()
    net, _ = load_checkpoint(a.checkpoint or os.path.join(a.work, "full.pt"))
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.work, "bpe.model"))
    selection_path = os.path.join(a.work, "selection.json")
    evaluation_path = os.path.join(a.work, "evaluation.json")
    exits = {d: list(range(d)) for d in (2, 4, 6, 8, 10, 12)}
    if os.path.exists(selection_path):
        with open(selection_path) as f:
            exits.update({int(d): v for d, v in json.load(f)["chosen"].items()})
    dev_wer = None
    if os.path.exists(evaluation_path):
        with open(evaluation_path) as f:
            dev_wer = {int(d): v for d, v in json.load(f)["dev_wer"].items()}
    m = export(net, sp, a.out, exits, a.name, dev_wer)
    print(json.dumps({e["depth"]: e["parameters"] for e in m["exits"]}))


if __name__ == "__main__":
    main()
