"""Two quick checks behind figures in the model card, on this machine and this data.

  python3 diagnose.py step               seconds per training step of the 12-layer model (one batch of 4000
                                         frames, all six exits, one thread): about 0.15-0.2 s with OpenBLAS; with
                                         Debian's reference BLAS (libblas3 alone) about 2 s
  python3 diagnose.py ratio 128 512      BPE pieces per output frame (8x subsampling) on the held-out sentences,
                                         for each vocabulary size; CTC needs well under 1
"""
import argparse
import os
import statistics
import tempfile
import time

import sentencepiece as spm
import torch
import torch.nn.functional as F

import model as M
import train



def step_seconds(threads=1, steps=5):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = M.CtcEncoder(128)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4)
    x, lengths = torch.randn(10, 400, 80), torch.full((10,), 400)
    targets, target_lengths = torch.randint(1, 128, (200,)), torch.full((10,), 20)

    def one():
        outputs, out_lengths = net(x, lengths, {2, 4, 6, 8, 10, 12})
        loss = sum(F.ctc_loss(lp.transpose(0, 1), targets, out_lengths, target_lengths, reduction="sum")
                   for lp in outputs.values())
        opt.zero_grad()
        loss.backward()
        opt.step()

    one()
    start = time.perf_counter()
    for _ in range(steps):
        one()
    return (time.perf_counter() - start) / steps


def pieces_per_frame(work, vocab_size):
    split = train.load_split(work, "dev_synth")
    if vocab_size == 128:
        sp = spm.SentencePieceProcessor(model_file=os.path.join(work, "bpe.model"))
    else:
        prefix = os.path.join(tempfile.mkdtemp(), "bpe")
        spm.SentencePieceTrainer.train(input=os.path.join(work, "bpe.txt"), model_prefix=prefix,
                                       vocab_size=vocab_size, model_type="bpe", character_coverage=1.0, pad_id=0,
                                       pad_piece="<blank>", unk_id=1, bos_id=-1, eos_id=-1, minloglevel=2)
        sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    ratios = sorted(len(sp.encode(t)) / int(M.ConvSubsampling.output_lengths(torch.tensor(f.shape[0])))
                    for t, f in zip(split["texts"], split["feats"]))
    return statistics.mean(ratios), ratios[int(0.9 * len(ratios))], ratios[-1]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "work"))
    p.add_argument("check", choices=["step", "ratio"])
    p.add_argument("vocab_sizes", nargs="*", type=int, default=[128])
    a = p.parse_args()
    if a.check == "step":
        print(f"{step_seconds():.3f} s per training step (1 thread)")
    else:
        for v in a.vocab_sizes:
            mean, p90, top = pieces_per_frame(a.work, v)
            print(f"{v} pieces: {mean:.2f} per output frame on average, p90 {p90:.2f}, max {top:.2f}")


if __name__ == "__main__":
    main()
