"""Tests of the corpus preparation (prepare.py) on tiny corpora in LibriSpeech's and Common Voice's layouts, spoken by
espeak-ng and encoded by sox as FLAC at 16 kHz and MP3 at 48 kHz (a few seconds in all).

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v

Needs espeak-ng and sox with its MP3 handler (libsox-fmt-mp3), which setup.sh installs.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import torch

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import features  # noqa: E402
import prepare  # noqa: E402
import synth  # noqa: E402


def sox_writes_mp3():
    if not (shutil.which("sox") and shutil.which("espeak-ng")):
        return False
    help_text = subprocess.run(["sox", "-h"], capture_output=True, text=True).stdout
    return " mp3 " in help_text


def speak(words, out, rate):
    """espeak-ng's speech, encoded by sox at `rate` in the format out's extension names; returns its seconds."""
    wav = out + ".wav"
    subprocess.run(["espeak-ng", "-w", wav, words], check=True, capture_output=True)
    subprocess.run(["sox", wav, "-r", str(rate), "-c", "1", out], check=True, capture_output=True)
    seconds = synth.read_wav(wav).numel() / features.SAMPLE_RATE
    os.remove(wav)
    return seconds


LIBRI = {"84": {"121123": [("84-121123-0000", "GO DO YOU HEAR"), ("84-121123-0001", "BUT IN LESS THAN FIVE MINUTES")]},
         "174": {"50561": [("174-50561-0000", "FORGOTTEN TOO THE NAME OF GILLIAN THE LOVELY CAPTIVE")]}}
# (file, sentence, what the recipe makes of it or None for a line it leaves out)
COMMON_VOICE = [("common_voice_en_1.mp3", "Hello, world!", "hello world"),
                ("common_voice_en_2.mp3", "It\u2019s 5 o\u2019clock, said Zo\u00eb.", "it's five o'clock said zoe"),
                ("common_voice_en_3.mp3", "Email me @ home <now>", None),
                ("common_voice_en_4.mp3", "A café and a piano.", "a cafe and a piano")]


@unittest.skipUnless(sox_writes_mp3(), "needs espeak-ng and sox with MP3 (apt-get install espeak-ng sox libsox-fmt-mp3)")
class PrepareTests(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.work = os.path.join(self.tmp, "work")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def assert_frames_match(self, feats, seconds, key):
        self.assertEqual(torch.float16, feats.dtype)
        self.assertEqual(features.NUM_MEL_BINS, feats.shape[1])
        # 100 frames a second; MP3 adds its encoder's delay and padding, some tens of milliseconds.
        self.assertLess(abs(feats.shape[0] - seconds * 100), 8, f"{key}: {feats.shape[0]} frames for {seconds:.2f} s")
        self.assertTrue(bool(torch.isfinite(feats.float()).all()))

    def test_a_librispeech_split_becomes_the_recipes_data_file(self):
        root = os.path.join(self.tmp, "LibriSpeech", "dev-clean")
        seconds = {}
        for speaker, chapters in LIBRI.items():
            for chapter, utterances in chapters.items():
                folder = os.path.join(root, speaker, chapter)
                os.makedirs(folder)
                with open(os.path.join(folder, f"{speaker}-{chapter}.trans.txt"), "w") as f:
                    for key, words in utterances:
                        f.write(f"{key} {words}\n")
                        seconds[key] = speak(words, os.path.join(folder, key + ".flac"), 16000)
        run = subprocess.run([sys.executable, os.path.join(RECIPE, "prepare.py"), "librispeech", root,
                              "--work", self.work, "--workers", "2"], capture_output=True, text=True, timeout=120)
        self.assertEqual(0, run.returncode, run.stderr[-2000:])
        data = torch.load(os.path.join(self.work, "data", "librispeech_dev_clean.pt"))
        self.assertEqual(["174-50561-0000", "84-121123-0000", "84-121123-0001"], data["keys"])
        self.assertEqual(["forgotten too the name of gillian the lovely captive", "go do you hear",
                          "but in less than five minutes"], data["texts"])
        self.assertEqual(["librispeech"] * 3, data["sources"])
        for key, feats in zip(data["keys"], data["feats"]):
            self.assert_frames_match(feats, seconds[key], key)
        # The same features the training data's builder computes from the same samples.
        x = prepare.load_audio(os.path.join(root, "84", "121123", "84-121123-0000.flac"))
        self.assertTrue(torch.equal(features.log_mel(x).half(), data["feats"][1]))

    def test_a_common_voice_split_of_mp3_clips_becomes_the_recipes_data_file(self):
        clips = os.path.join(self.tmp, "cv", "clips")
        os.makedirs(clips)
        seconds = {}
        with open(os.path.join(self.tmp, "cv", "dev.tsv"), "w", encoding="utf-8") as f:
            f.write("client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccent\n")
            for i, (name, sentence, _) in enumerate(COMMON_VOICE):
                f.write(f"c{i}\t{name}\t{sentence}\t2\t0\t\t\t\n")
                seconds[name[:-4]] = speak(sentence, os.path.join(clips, name), 48000)
            f.write("c9\tcommon_voice_en_9.mp3\tA clip that is missing.\t2\t0\t\t\t\n")
        run = subprocess.run([sys.executable, os.path.join(RECIPE, "prepare.py"), "commonvoice",
                              os.path.join(self.tmp, "cv"), "--split", "dev", "--name", "cv_dev", "--work", self.work,
                              "--workers", "2"], capture_output=True, text=True, timeout=120)
        self.assertEqual(0, run.returncode, run.stderr[-2000:])
        self.assertIn("skip common_voice_en_9", run.stdout)
        self.assertIn("left out 1 transcripts that do not normalise and 1 clips that do not decode", run.stdout)
        data = torch.load(os.path.join(self.work, "data", "cv_dev.pt"))
        expected = [(name[:-4], want) for name, _, want in COMMON_VOICE if want]
        self.assertEqual(expected, list(zip(data["keys"], data["texts"])))
        self.assertEqual(["commonvoice"] * 3, data["sources"])
        for key, feats in zip(data["keys"], data["feats"]):
            self.assert_frames_match(feats, seconds[key], key)

    def test_decoding_falls_back_to_sox_when_torchaudio_cannot_read_a_file(self):
        path = os.path.join(self.tmp, "clip.mp3")
        speak("seven three nine", path, 44100)
        original = prepare.torchaudio.load
        prepare.torchaudio.load = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no backend"))
        try:
            x = prepare.load_audio(path)
        finally:
            prepare.torchaudio.load = original
        y = prepare.load_audio(path)
        self.assertLess(abs(x.numel() - y.numel()), 0.01 * y.numel() + 2000)
        self.assertGreater(float(x.abs().max()), 0.05)


class DevelopmentSetTests(unittest.TestCase):

    def test_the_real_development_sets_are_refused_as_training_data(self):
        import text
        for name in text.REAL_DEV_SETS:
            with self.assertRaises(SystemExit) as refused:
                prepare.refuse_development_sets(os.path.join(text.SHARED, "data", name, "audio", ".."))
            self.assertIn(name, str(refused.exception))
        prepare.refuse_development_sets(os.path.join(text.SHARED, "data", "librivox-dev-other"))  # a neighbour: fine


class MergeTests(unittest.TestCase):

    def test_merge_joins_data_files_in_order_and_names_the_source_of_a_file_without_sources(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "train_synth.pt"), os.path.join(tmp, "train_libri.pt")
            torch.save({"feats": [torch.zeros(20, 80).half()], "texts": ["one"]}, a)
            torch.save({"feats": [torch.ones(30, 80).half()] * 2, "texts": ["two", "three"], "keys": ["k1", "k2"],
                        "sources": ["librispeech"] * 2}, b)
            merged = prepare.merge([a, b], os.path.join(tmp, "train.pt"))
            back = torch.load(os.path.join(tmp, "train.pt"))
            self.assertEqual(["one", "two", "three"], back["texts"])
            self.assertEqual(["train_synth", "librispeech", "librispeech"], back["sources"])
            self.assertEqual([20, 30, 30], [f.shape[0] for f in back["feats"]])
            self.assertEqual(merged["texts"], back["texts"])


if __name__ == "__main__":
    unittest.main()
