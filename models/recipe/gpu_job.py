"""The recipe as one job for a GPU machine that has no network: pack everything it needs here, run it there.

    python3 models/recipe/gpu_job.py pack DIR [--no-festival]     here, on the recipe's Debian machine (setup.sh run)
    python3 DIR/gpu_job.py run OUTDIR [--minutes 10] [--size tiny] there: the model folder comes out as OUTDIR/gearbox-en
    python3 DIR/gpu_job.py run OUTDIR --dry-run                    anywhere: a few utterances, a few steps on the CPU
    python3 DIR/gpu_job.py run OUTDIR --device cpu                 the whole job on a machine of many cores, no GPU

`pack` writes DIR (under 64 MiB; it prints the size): this script; recipe.tar.xz with the recipe's sources;
shared-data.tar.xz with the real recordings and texts synth.py reads from
../shared/data (FSDD, AN4, the LibriSpeech transcripts); and debs/, the Debian packages of the voices and texts the
data are synthesised from (espeak-ng, flite, festival and the voices synth.py draws, fortunes, wamerican, sox) with
every shared library their programs load other than the C library's, fetched with `apt-get download`. When they
would not fit, festival and its voices are left out (it says so), and synth.py's festival lines are then skipped.

`run` needs only Python 3 with PyTorch, torchaudio, ONNX, SentencePiece and NumPy (the GPU machines this project
is lent have all five) and a Linux C library at least as new as the packages' (Debian 12's, glibc 2.36). It unpacks the packages
with `dpkg -x` (or, without dpkg, its own reading of the .deb format) into a private prefix under OUTDIR, never
into /; puts wrappers for espeak-ng, flite, festival, text2wave and sox first on PATH that set LD_LIBRARY_PATH,
ESPEAK_DATA_PATH and festival's --libdir for those programs alone (PyTorch keeps the machine's own libraries); checks
that each voice speaks; then, within --minutes of wall time in all:
1. synth.py on every core: the development sets and --utterances training lines (default 1,200 per core, at most
   30,000, run.sh's number), with the real recordings as run.sh uses them;
2. train.py on the GPU in bfloat16 (`--device cuda --bf16`; one process per GPU under torchrun when there are
   several) with run.sh's first stage (peak learning rate 2e-3 after 600 steps, no dropout, no SpecAugment), its
   cosine schedule fitted to the minutes left less a reserve for the export;
3. export.py: OUTDIR/gearbox-en (manifest.json, tokens.txt, weights.bin, exit-02..12.onnx, by plain truncation);
   OUTDIR/logs/ keeps the programs' output and the training log, OUTDIR/job.json the timings and the last
   evaluation. The scratch folder (OUTDIR/scratch: packages, data, checkpoints) is removed unless --keep-scratch.
"""
import argparse
import glob
import hashlib
import io
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT_MIB = 64
# Each program synth.py runs, with the packages of its own files and data (their libraries are found by ldd).
PROGRAMS = {
    "espeak-ng": ["espeak-ng", "libespeak-ng1", "espeak-ng-data"],
    "flite": ["flite", "libflite1"],
    "sox": ["sox", "libsox3"],
    "festival": ["festival", "libestools2.5", "festlex-cmu", "festlex-poslex", "festvox-kallpc16k",
                 "festvox-kdlpc16k", "festvox-us-slt-hts"],
}
TEXTS = ["fortunes", "fortunes-min", "wamerican"]
# Never bundled: the C library must be the machine's own.
SYSTEM = {"libc6"}
SHARED_DATA = ["README.md", "fsdd", "an4", "text"]
# run.sh's first stage, but for its step budget and minutes, which the job sets from its own.
STAGE1 = ["--steps", "16000", "--lr", "2e-3", "--warmup", "600", "--eval-every", "2000", "--dropout", "0",
          "--no-spec-augment"]
EXPORT_RESERVE_MINUTES = 1.5


def say(msg):
    print(f"[gpu_job {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def mib(n):
    return n / (1 << 20)


# ----------------------------------------------------------------------------------------------------------- pack

def package_of(path):
    """The Debian package that owns a file (trying the path with and without the /usr merge)."""
    real = os.path.realpath(path)
    for candidate in dict.fromkeys([path, real, real.replace("/usr/lib/", "/lib/", 1),
                                    path.replace("/lib/", "/usr/lib/", 1)]):
        r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].strip()
    raise SystemExit(f"no Debian package owns {path}")


def libraries(program):
    """The packages of every shared library a program loads (ldd's whole closure)."""
    binary = shutil.which(program)
    if binary is None:
        raise SystemExit(f"{program} is not installed here: run models/recipe/setup.sh first")
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    paths = [parts[2] for parts in (line.split() for line in out.splitlines())
             if len(parts) >= 3 and parts[1] == "=>" and parts[2].startswith("/")]
    return {package_of(p) for p in paths} - SYSTEM


def resolve(festival=True):
    """{program or "texts": [packages]}, each package listed once, under the first program that needs it."""
    groups, seen = {}, set()
    for program, own in PROGRAMS.items():
        if program == "festival" and not festival:
            continue
        wanted = list(own) + sorted(libraries(program) - set(own))
        groups[program] = [p for p in wanted if p not in seen]
        seen.update(wanted)
    groups["texts"] = list(TEXTS)
    return groups


def download(packages, cache):
    """The .deb of each package in `cache`, fetched with apt-get download when not there yet: {package: path}."""
    os.makedirs(cache, exist_ok=True)
    found = lambda p: sorted(glob.glob(os.path.join(cache, f"{p}_*.deb")))
    missing = [p for p in packages if not found(p)]
    if missing:
        if shutil.which("apt-get") is None:
            raise SystemExit("apt-get is needed to fetch the packages")
        say(f"apt-get download {len(missing)} packages into {cache}")
        r = subprocess.run(["apt-get", "download", *missing], cwd=cache, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"apt-get download failed: {r.stderr.strip()[-1500:]}")
    return {p: found(p)[-1] for p in packages}


def xz_tar(out_path, members):
    """A .tar.xz of (path on disk, name in the archive) pairs; xz on every core when the xz program is here."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for path, name in members:
            tar.add(path, arcname=name, filter=lambda info: (setattr(info, "mtime", 0), info)[1])
    if shutil.which("xz"):
        with open(out_path, "wb") as f:
            subprocess.run(["xz", "-T0", "-6", "-c"], input=raw.getvalue(), stdout=f, check=True)
    else:
        import lzma
        with open(out_path, "wb") as f:
            f.write(lzma.compress(raw.getvalue(), preset=6))


def tree_key(root, names):
    h = hashlib.sha256()
    for name in names:
        for folder, dirs, files in os.walk(os.path.join(root, name)):
            dirs.sort()
            for f in sorted(files):
                st = os.stat(os.path.join(folder, f))
                h.update(f"{os.path.relpath(os.path.join(folder, f), root)} {st.st_size} {st.st_mtime_ns}\n".encode())
        if os.path.isfile(os.path.join(root, name)):
            st = os.stat(os.path.join(root, name))
            h.update(f"{name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def recipe_members():
    members = [(os.path.join(HERE, f), "recipe/" + f) for f in sorted(os.listdir(HERE))
               if f.endswith((".py", ".sh")) and os.path.isfile(os.path.join(HERE, f))]
    return members


def pack(a):
    import text  # the recipe's: where ../shared/data is
    for tool in ("dpkg", "ldd"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed to pack (a Debian machine with setup.sh run)")
    shared = os.path.join(text.SHARED, "data")
    for name in SHARED_DATA:
        if not os.path.exists(os.path.join(shared, name)):
            raise SystemExit(f"{shared}/{name} is missing")
    os.makedirs(a.dir, exist_ok=True)
    for old in glob.glob(os.path.join(a.dir, "debs", "*.deb")):
        os.remove(old)

    key = tree_key(shared, SHARED_DATA)
    cached = os.path.join(a.cache, f"shared-data-{key}.tar.xz")
    if not os.path.exists(cached):
        say(f"compressing {shared} ({', '.join(SHARED_DATA)})")
        os.makedirs(a.cache, exist_ok=True)
        xz_tar(cached + ".tmp", [(os.path.join(shared, n), "shared/data/" + n) for n in SHARED_DATA])
        os.replace(cached + ".tmp", cached)
    shutil.copy(cached, os.path.join(a.dir, "shared-data.tar.xz"))
    xz_tar(os.path.join(a.dir, "recipe.tar.xz"), recipe_members())
    shutil.copy(os.path.abspath(__file__), os.path.join(a.dir, "gpu_job.py"))

    fixed = sum(os.path.getsize(os.path.join(a.dir, f)) for f in ("shared-data.tar.xz", "recipe.tar.xz", "gpu_job.py"))
    groups = resolve(festival=not a.no_festival)
    debs = download([p for ps in groups.values() for p in ps], a.cache)
    size = lambda ps: sum(os.path.getsize(debs[p]) for p in ps)
    dropped = None
    if "festival" in groups and mib(fixed + size(debs)) >= LIMIT_MIB:
        dropped = f"festival left out: with it the bundle would be {mib(fixed + size(debs)):.1f} MiB"
        groups.pop("festival")
    elif "festival" not in groups:
        dropped = "festival left out (--no-festival)"
    chosen = [p for ps in groups.values() for p in ps]
    os.makedirs(os.path.join(a.dir, "debs"), exist_ok=True)
    for p in chosen:
        shutil.copy(debs[p], os.path.join(a.dir, "debs", os.path.basename(debs[p])))
    total = fixed + size(chosen)
    listing = {"packages": {g: {p: os.path.basename(debs[p]) for p in ps} for g, ps in groups.items()},
               "bytes": {"debs": size(chosen), "recipe_and_data": fixed, "total": total},
               "festival": "festival" in groups,
               "architecture": subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                                              check=True).stdout.strip()}
    with open(os.path.join(a.dir, "bundle.json"), "w") as f:
        json.dump(listing, f, indent=1)
    if dropped:
        say(dropped)
    for g, ps in groups.items():
        say(f"{g}: {len(ps)} packages, {mib(size(ps)):.1f} MiB")
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(a.dir) for f in files)
    say(f"bundle {a.dir}: {total} bytes, {mib(total):.1f} MiB in all ({mib(size(chosen)):.1f} MiB of packages, "
        f"{mib(fixed):.1f} MiB of recipe and data)")
    if mib(total) >= LIMIT_MIB:
        raise SystemExit(f"the bundle is {mib(total):.1f} MiB, over {LIMIT_MIB} MiB")
    return total


# ------------------------------------------------------------------------------------------------------------ run

def extract_deb(deb, prefix):
    """dpkg -x where there is dpkg; else the .deb's ar archive read here and its data.tar unpacked into prefix."""
    if shutil.which("dpkg"):
        subprocess.run(["dpkg", "-x", deb, prefix], check=True)
        return
    with open(deb, "rb") as f:
        if f.read(8) != b"!<arch>\n":
            raise RuntimeError(f"{deb} is not a Debian package")
        while True:
            header = f.read(60)
            if len(header) < 60:
                raise RuntimeError(f"{deb} has no data.tar")
            name, size = header[:16].decode().strip().rstrip("/"), int(header[48:58].decode().strip())
            body = f.read(size)
            f.read(size % 2)
            if not name.startswith("data.tar"):
                continue
            if name.endswith(".zst"):
                body = subprocess.run(["zstd", "-dc"], input=body, stdout=subprocess.PIPE, check=True).stdout
            with tarfile.open(fileobj=io.BytesIO(body), mode="r:*") as tar:
                if hasattr(tarfile, "fully_trusted_filter"):  # as dpkg -x: the packages' own links stay as they are
                    tar.extractall(prefix, filter="fully_trusted")
                else:
                    tar.extractall(prefix)
            return


def write_wrappers(prefix):
    """prefix/bin: each program run from the prefix with its libraries and data there."""
    libs = ":".join(os.path.join(prefix, d) for d in ("usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu", "usr/lib",
                                                      "usr/lib/x86_64-linux-gnu/pulseaudio"))
    bindir = os.path.join(prefix, "bin")
    os.makedirs(bindir, exist_ok=True)
    env = f'LD_LIBRARY_PATH="{libs}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}"'
    # Festival finds its Scheme code and lexicons through --libdir and --datadir, but Debian's voices.scm and
    # languages.scm name /usr/share/festival outright; the voices' and languages' search paths are set first from a
    # private home's .festivalvarsrc, which festival reads before them (defvar keeps the first value).
    share = os.path.join(prefix, "usr", "share", "festival")
    home = os.path.join(prefix, "festival-home")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, ".festivalvarsrc"), "w") as f:
        f.write(f'(defvar system-voice-path (list "{share}/voices/"))\n'
                f'(defvar system-language-path (list "{share}/languages/"))\n')
    festival = f'"{prefix}/usr/bin/festival" --libdir "{share}" --datadir "{share}"'
    scripts = {
        "espeak-ng": f'{env} ESPEAK_DATA_PATH="{prefix}/usr/lib/x86_64-linux-gnu" exec "{prefix}/usr/bin/espeak-ng" "$@"',
        "flite": f'{env} exec "{prefix}/usr/bin/flite" "$@"',
        "sox": f'{env} exec "{prefix}/usr/bin/sox" "$@"',
        "festival": f'{env} HOME="{home}" exec {festival} "$@"',
        "text2wave": f'{env} HOME="{home}" exec "{prefix}/usr/bin/festival" --script "{bindir}/text2wave.scm" "$@"',
    }
    text2wave = os.path.join(prefix, "usr", "bin", "text2wave")
    if os.path.exists(text2wave):
        # A festival script takes no --libdir or --datadir and loads init.scm from datadir itself: this copy sets both
        # first.
        with open(text2wave) as f:
            body = f.read().split("\n", 1)[1]
        with open(os.path.join(bindir, "text2wave.scm"), "w") as f:
            f.write(f'(set! datadir "{share}/")\n(set! libdir "{share}/")\n' + body)
    for name, line in scripts.items():
        if name in ("festival", "text2wave") and not os.path.exists(os.path.join(prefix, "usr/bin/festival")):
            continue
        path = os.path.join(bindir, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + line + "\n")
        os.chmod(path, 0o755)
    return bindir


def speaks(command, out, env, timeout=60):
    try:
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, check=True)
        return os.path.exists(out) and os.path.getsize(out) > 4000
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return False


def check_voices(env, tmp):
    """{engine: whether it speaks a line from the prefix}."""
    line = "one two three four"
    out = lambda e: os.path.join(tmp, e + ".wav")
    result = {"espeak-ng": speaks(["espeak-ng", "-v", "en-us+m3", "-w", out("espeak-ng"), line], out("espeak-ng"), env),
              "flite": speaks(["flite", "-voice", "kal", "-t", line, "-o", out("flite")], out("flite"), env)}
    if os.path.exists(os.path.join(env["PATH"].split(os.pathsep)[0], "festival")):  # a wrapper: festival was packed
        script = os.path.join(tmp, "check.scm")
        with open(script, "w") as f:
            f.write(f'(voice_kal_diphone)\n(utt.save.wave (utt.synth (Utterance Text "{line}")) "{out("festival")}" '
                    f"'riff)\n")
        result["festival"] = speaks(["festival", "--batch", script], out("festival"), env)
        with open(os.path.join(tmp, "line.txt"), "w") as f:
            f.write(line)
        result["text2wave"] = speaks(["text2wave", "-eval", "(voice_ked_diphone)", os.path.join(tmp, "line.txt"),
                                      "-o", out("text2wave")], out("text2wave"), env)
    return result


def run_logged(command, log_path, env, cwd):
    say(" ".join(command[:3]) + " ... > " + os.path.relpath(log_path, os.path.dirname(os.path.dirname(log_path))))
    with open(log_path, "w") as log:
        r = subprocess.run(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        with open(log_path) as f:
            tail = f.read()[-3000:]
        raise SystemExit(f"{command[1]} failed ({r.returncode}):\n{tail}")


def last_evaluation(log_path):
    evaluation = None
    if os.path.exists(log_path):
        with open(log_path) as f:
            for line in f:
                rec = json.loads(line)
                if "dev_synth" in rec:
                    evaluation = rec
    return evaluation


def run(a):
    started = time.time()
    bundle = os.path.dirname(os.path.abspath(__file__))
    for name in ("recipe.tar.xz", "shared-data.tar.xz"):
        if not os.path.exists(os.path.join(bundle, name)):
            raise SystemExit(f"{bundle}/{name} is missing: run this from a folder `gpu_job.py pack` wrote")
    with open(os.path.join(bundle, "bundle.json")) as f:
        arch = json.load(f).get("architecture", "amd64")
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    if machine != arch:
        raise SystemExit(f"the bundle's packages are for {arch}, this machine is {machine}: pack on a {machine} Debian")
    libc = os.confstr("CS_GNU_LIBC_VERSION") if "CS_GNU_LIBC_VERSION" in os.confstr_names else ""
    if libc.startswith("glibc ") and tuple(map(int, libc.split()[1].split(".")[:2])) < (2, 36):
        say(f"{libc} is older than the packages' (Debian 12's 2.36): the voices may not start")
    missing = [m for m in ("torch", "onnx", "sentencepiece", "numpy") if subprocess.run(
        [sys.executable, "-c", f"import {m}"], capture_output=True).returncode != 0]
    if missing:
        raise SystemExit(f"{sys.executable} lacks {', '.join(missing)}")
    import torch
    gpus = torch.cuda.device_count() if not a.dry_run and a.device == "cuda" else 0
    if not a.dry_run and a.device == "cuda" and gpus == 0:
        raise SystemExit("no CUDA device: run on the GPU machine, or try --dry-run (or --device cpu)")

    out = os.path.abspath(a.outdir)
    scratch = os.path.join(out, "scratch")
    shutil.rmtree(scratch, ignore_errors=True)
    src, prefix, work, logs = (os.path.join(scratch, "src"), os.path.join(scratch, "prefix"),
                               os.path.join(scratch, "work"), os.path.join(out, "logs"))
    for d in (src, prefix, work, logs):
        os.makedirs(d, exist_ok=True)
    timings = {}

    for name in ("recipe.tar.xz", "shared-data.tar.xz"):
        with tarfile.open(os.path.join(bundle, name)) as tar:
            tar.extractall(src, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    debs = sorted(glob.glob(os.path.join(bundle, "debs", "*.deb")))
    for deb in debs:
        extract_deb(deb, prefix)
    bindir = write_wrappers(prefix)
    recipe = os.path.join(src, "recipe")
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
               GEARBOX_SHARED=os.path.join(src, "shared"), GEARBOX_SYSTEM_SHARE=os.path.join(prefix, "usr", "share"),
               PYTHONUNBUFFERED="1")
    missing = [m for m in ("torch", "torchaudio.functional", "onnx", "sentencepiece", "numpy")
               if subprocess.run([sys.executable, "-c", f"import {m}"], capture_output=True).returncode != 0]
    if missing:
        sys.exit(f"gpu_job.py run needs these Python modules, missing here: {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as tmp:
        voices = check_voices(env, tmp)
    timings["unpack_s"] = round(time.time() - started, 1)
    say(f"unpacked {len(debs)} packages into {prefix}; voices: "
        + ", ".join(f"{k} {'speaks' if v else 'FAILS'}" for k, v in voices.items()))
    if not voices["espeak-ng"]:
        raise SystemExit("espeak-ng does not speak from the unpacked packages")

    workers = a.workers or os.cpu_count()
    py = sys.executable
    synth = [py, "synth.py", "--work", work, "--workers", str(workers)]
    if a.dry_run:
        synth += ["--train-utterances", str(a.utterances or 24), "--dev-utterances", "6", "--tune", "4",
                  "--fsdd-copies", "0", "--an4-copies", "0"]
    else:
        synth += ["--train-utterances", str(a.utterances or min(30000, 1200 * workers))]
    t0 = time.time()
    run_logged(synth, os.path.join(logs, "synth.out"), dict(env, OMP_NUM_THREADS="1"), recipe)
    timings["synth_s"] = round(time.time() - t0, 1)

    train = ["train.py", "--work", work, "--name", "full", "--size", a.size]
    if a.dry_run:
        train += ["--device", "cpu", "--bf16", "--steps", str(a.steps or 3), "--short-first-steps", "0",
                  "--eval-every", "1000", "--warmup", "1"]
    else:
        left = a.minutes - (time.time() - started) / 60 - EXPORT_RESERVE_MINUTES
        if left < 1:
            raise SystemExit(f"{a.minutes} minutes leave {left:.1f} for training after the synthesis: ask for more")
        device = ["--device", "cuda", "--bf16"] if a.device == "cuda" else ["--device", "cpu"]
        train += [*device, *STAGE1, "--max-minutes", f"{left:.2f}"]
        if a.steps:
            train[train.index("--steps") + 1] = str(a.steps)
    launcher = [py] if gpus <= 1 else [py, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={gpus}"]
    t0 = time.time()
    run_logged(launcher + train + a.train_args, os.path.join(logs, "train.out"), env, recipe)
    timings["train_s"] = round(time.time() - t0, 1)

    model_dir = os.path.join(out, "gearbox-en")
    shutil.rmtree(model_dir, ignore_errors=True)
    t0 = time.time()
    run_logged([py, "export.py", "--work", work, "--checkpoint", os.path.join(work, "full.pt"), "--out", model_dir,
                "--name", "gearbox-en"], os.path.join(logs, "export.out"), env, recipe)
    timings["export_s"] = round(time.time() - t0, 1)
    shutil.copy(os.path.join(work, "full.log.jsonl"), logs)
    ckpt = torch.load(os.path.join(work, "full.pt"), map_location="cpu")
    timings["total_s"] = round(time.time() - started, 1)
    report = {"dry_run": a.dry_run, "gpus": gpus, "size": a.size, "torch": torch.__version__, "voices": voices,
              "workers": workers, "steps": ckpt["step"], "train_seconds": round(ckpt["train_seconds"]),
              "audio_seconds": round(ckpt["audio_seconds"]), "seconds": timings,
              "last_evaluation": last_evaluation(os.path.join(work, "full.log.jsonl")), "model": model_dir}
    with open(os.path.join(out, "job.json"), "w") as f:
        json.dump(report, f, indent=1)
    if not a.keep_scratch:
        shutil.rmtree(scratch)
    say(f"done in {timings['total_s']:.0f} s: {model_dir} ({ckpt['step']} steps); {out}/job.json")
    return report


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    pk = sub.add_parser("pack", help="gather the recipe, its data and the voices' packages into DIR")
    pk.add_argument("dir")
    pk.add_argument("--no-festival", action="store_true", help="leave festival and its voices out")
    pk.add_argument("--cache", default=os.environ.get("GEARBOX_JOB_CACHE", os.path.join(
        os.path.expanduser("~"), ".cache", "gearbox", "gpu-job")), help="downloaded packages and compressed data")
    r = sub.add_parser("run", help="synthesise, train and export on this machine (the one DIR was copied to)")
    r.add_argument("outdir")
    r.add_argument("--dry-run", action="store_true", help="on the CPU: a few utterances, a few steps, the export")
    r.add_argument("--minutes", type=float, default=10.0, help="wall-clock budget of the whole job")
    r.add_argument("--size", default="tiny", choices=("tiny", "small", "base"))
    r.add_argument("--device", default="cuda", choices=("cuda", "cpu"),
                   help="cpu: the whole job on the CPU (one training thread), for a machine of many cores and no GPU")
    r.add_argument("--utterances", type=int, default=0, help="training lines to synthesise (default: 1,200 a core, "
                   "at most 30,000; 24 in a dry run)")
    r.add_argument("--steps", type=int, default=0, help="a step budget besides the minutes (default 16,000; 3 dry)")
    r.add_argument("--workers", type=int, default=0, help="synthesis processes (default: every core)")
    r.add_argument("--keep-scratch", action="store_true")
    r.add_argument("--train-args", default="", help='more options for train.py, as one string ("--lr 1e-3")')
    a = p.parse_args(argv)
    if a.command == "pack":
        sys.path.insert(0, HERE)
        pack(a)
    else:
        a.train_args = shlex.split(a.train_args)
        run(a)


if __name__ == "__main__":
    main()
