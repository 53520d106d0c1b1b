"""Tests of the one-call GPU job (gpu_job.py): a bundle packed here stays under 64 MiB, and its dry run, from a copy of
the bundle in a temporary folder, unpacks the voices into a private prefix, synthesises, trains three steps on the
CPU and exports a model folder (about 35 s; the first run on a machine also downloads the packages, about 38 MB,
and compresses ../shared/data, about 30 s, into ~/.cache/gearbox/gpu-job or $GEARBOX_JOB_CACHE).

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v

Needs apt-get, dpkg and the programs setup.sh installs; skipped where they are missing or the packages cannot be
downloaded.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import gpu_job  # noqa: E402

NEEDED = ("apt-get", "dpkg", "ldd", "espeak-ng", "flite", "festival", "sox")


def missing_tools():
    return [t for t in NEEDED if shutil.which(t) is None]


@unittest.skipIf(missing_tools(), f"needs {', '.join(missing_tools())} (a Debian machine with setup.sh run)")
class GpuJobTests(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.bundle = os.path.join(cls.tmp, "bundle")
        cls.pack = subprocess.run([sys.executable, os.path.join(RECIPE, "gpu_job.py"), "pack", cls.bundle],
                                  capture_output=True, text=True, timeout=600)
        if cls.pack.returncode != 0 and "apt-get download failed" in cls.pack.stderr:
            shutil.rmtree(cls.tmp)
            raise unittest.SkipTest("the packages cannot be downloaded here: " + cls.pack.stderr.strip()[-300:])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_bundle_holds_the_voices_texts_and_recipe_in_under_64_mib(self):
        self.assertEqual(0, self.pack.returncode, self.pack.stdout[-2000:] + self.pack.stderr[-2000:])
        total = sum(os.path.getsize(os.path.join(folder, f)) for folder, _, files in os.walk(self.bundle) for f in files)
        self.assertLess(total, 64 << 20)
        self.assertIn(f"{total} bytes, {total / (1 << 20):.1f} MiB in all", self.pack.stdout)
        with open(os.path.join(self.bundle, "bundle.json")) as f:
            listing = json.load(f)
        packages = {p for group in listing["packages"].values() for p in group}
        for p in ("espeak-ng", "espeak-ng-data", "flite", "libflite1", "fortunes", "wamerican", "sox"):
            self.assertIn(p, packages)
        self.assertNotIn("libc6", packages)
        if listing["festival"]:
            self.assertTrue({"festival", "festvox-kallpc16k", "festvox-kdlpc16k", "festvox-us-slt-hts"} <= packages)
        else:
            self.assertIn("festival left out", self.pack.stdout)

    def test_the_dry_run_from_a_copy_of_the_bundle_exports_a_model_folder(self):
        self.assertEqual(0, self.pack.returncode, self.pack.stderr[-2000:])
        copy = os.path.join(self.tmp, "elsewhere")
        shutil.copytree(self.bundle, copy)
        out = os.path.join(self.tmp, "out")
        # The job's start, as on the GPU machine: one command, from the copied folder only.
        run = subprocess.run([sys.executable, os.path.join(copy, "gpu_job.py"), "run", out, "--dry-run"],
                             capture_output=True, text=True, timeout=600, cwd=self.tmp,
                             env={**os.environ, "OMP_NUM_THREADS": "1"})
        self.assertEqual(0, run.returncode, run.stdout[-3000:] + run.stderr[-3000:])
        model = os.path.join(out, "gearbox-en")
        with open(os.path.join(model, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual([2, 4, 6, 8, 10, 12], [e["depth"] for e in manifest["exits"]])
        for entry in manifest["exits"]:
            self.assertTrue(os.path.getsize(os.path.join(model, entry["file"])) > 0, entry["file"])
        for name in ("weights.bin", "tokens.txt"):
            self.assertTrue(os.path.exists(os.path.join(model, name)), name)
        with open(os.path.join(out, "job.json")) as f:
            job = json.load(f)
        self.assertTrue(job["dry_run"])
        self.assertEqual(3, job["steps"])
        self.assertTrue(all(job["voices"].values()), job["voices"])
        self.assertFalse(os.path.exists(os.path.join(out, "scratch")), "the scratch folder is removed")
        self.assertTrue(os.path.exists(os.path.join(out, "logs", "full.log.jsonl")))

    def test_a_package_unpacks_without_dpkg_as_dpkg_unpacks_it(self):
        self.assertEqual(0, self.pack.returncode, self.pack.stderr[-2000:])
        deb = next(os.path.join(self.bundle, "debs", f) for f in os.listdir(os.path.join(self.bundle, "debs"))
                   if f.startswith("fortunes-min_"))
        with_dpkg, without = os.path.join(self.tmp, "with"), os.path.join(self.tmp, "without")
        gpu_job.extract_deb(deb, with_dpkg)
        which = gpu_job.shutil.which
        gpu_job.shutil.which = lambda name, *a, **k: None if name == "dpkg" else which(name, *a, **k)
        try:
            gpu_job.extract_deb(deb, without)
        finally:
            gpu_job.shutil.which = which
        listing = lambda root: sorted((os.path.relpath(os.path.join(d, f), root), os.path.getsize(os.path.join(d, f)))
                                      for d, _, files in os.walk(root) for f in files)
        self.assertTrue(listing(with_dpkg))
        self.assertEqual(listing(with_dpkg), listing(without))


if __name__ == "__main__":
    unittest.main()
