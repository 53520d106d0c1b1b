package io.gearbox.asr.recognition;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.audio.InvalidAudioException;
import io.gearbox.asr.decoding.CtcDecoder;
import io.gearbox.asr.decoding.GreedyCtcDecoder;
import io.gearbox.asr.decoding.Segmenter;
import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.decoding.Vocabulary;
import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.features.LogMelExtractor;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.InferenceOptions;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.segmentation.SpeechSpan;
import io.gearbox.asr.support.SmokeModel;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RecognizerTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AcousticModel model;

    private Scheduler scheduler;

    private final List<RecognitionSample> samples = new CopyOnWriteArrayList<>();

    private final List<String> rejections = new CopyOnWriteArrayList<>();

    private final List<String> admissions = new CopyOnWriteArrayList<>();

    /** Which decoder read each utterance: {@code full} or {@code fast}. */
    private final List<String> decoders = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openModel() {
        this.model = AcousticModel.open(SmokeModel.directory(), List.of(), InferenceOptions.defaults());
        this.scheduler = Schedulers.newBoundedElastic(2, 16, "asr-test");
    }

    @AfterEach
    void closeModel() {
        if (this.scheduler != null) {
            this.scheduler.dispose();
        }
        if (this.model != null) {
            this.model.close();
        }
    }

    @Test
    void autoDepthAsksTheSelectorOnARecognitionThread() {
        AtomicReference<DepthSelector.DepthQuery> seen = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        int shallowest = this.model.depths().get(0);
        Recognizer recognizer = recognizer((query) -> {
            seen.set(query);
            thread.set(Thread.currentThread().getName());
            return Gear.full(shallowest);
        }, new AdmissionQueue(2, 4, Duration.ofSeconds(1)));
        Recognition recognition = recognizer
            .recognize(new RecognitionRequest(TestAudio.toneWav(1.0, 16000, 440), "audio/wav", DepthRequest.auto(),
                    250))
            .block(TIMEOUT);
        assertThat(recognition.depth()).isEqualTo(shallowest);
        assertThat(recognition.pinned()).isFalse();
        assertThat(recognition.model()).isEqualTo("recipe-smoke");
        assertThat(recognition.audioSeconds()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(recognition.realTimeFactor()).isPositive();
        assertThat(seen.get().depths()).isEqualTo(this.model.depths());
        assertThat(seen.get().maxLatencyMillis()).isEqualTo(250);
        assertThat(seen.get().audioSeconds()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(seen.get().inFlight()).isEqualTo(1);
        assertThat(thread.get()).startsWith("asr-test");
    }

    @Test
    void theFastGearDecodesGreedilyAndReportsItsFrontEndAndDecodingTimesApart() {
        int shallowest = this.model.depths().get(0);
        Recognizer recognizer = recognizer((query) -> Gear.fast(shallowest),
                new AdmissionQueue(2, 4, Duration.ofSeconds(1)));

        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(1.0, 16000, 440), null, DepthRequest.auto()))
            .block(TIMEOUT);

        assertThat(recognition.depth()).isEqualTo(shallowest);
        assertThat(recognition.decoding()).isEqualTo(Gear.Decoding.FAST);
        assertThat(this.decoders).containsExactly("fast");
        assertThat(this.samples).singleElement().satisfies((sample) -> {
            assertThat(sample.decoding()).isEqualTo(Gear.Decoding.FAST);
            assertThat(sample.ctcDecodeTime()).isPositive();
            assertThat(sample.frontEndTime()).isPositive();
            assertThat(sample.frontEndTime().plus(sample.ctcDecodeTime())).isLessThanOrEqualTo(sample.serviceTime());
        });
    }

    @Test
    void aPinnedDepthIsDecodedWithTheFullDecoder() {
        int shallowest = this.model.depths().get(0);
        Recognizer recognizer = recognizer((query) -> Gear.fast(shallowest),
                new AdmissionQueue(2, 4, Duration.ofSeconds(1)));

        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(1.0, 16000, 440), null,
                    DepthRequest.pinned(shallowest)))
            .block(TIMEOUT);

        assertThat(recognition.decoding()).isEqualTo(Gear.Decoding.FULL);
        assertThat(this.decoders).containsExactly("full");
    }

    @Test
    void aRequestThatWaitedLongerThanTheQueueAllowsIsTurnedAwayUnprocessed() {
        // every reading of the clock is a second after the last: admitted at 0 s, picked up at 1 s
        AtomicLong now = new AtomicLong();
        Recognizer recognizer = recognizer((query) -> {
            throw new AssertionError("an expired request must not reach the selector");
        }, new AdmissionQueue(2, 4, Duration.ofSeconds(3), Duration.ofMillis(500)),
                () -> now.getAndAdd(1_000_000_000L));

        assertThatExceptionOfType(OverloadedException.class)
            .isThrownBy(() -> recognizer
                .recognize(RecognitionRequest.of(TestAudio.toneWav(0.5, 16000, 440), null, DepthRequest.auto()))
                .block(TIMEOUT))
            .withMessageContaining("waited 1000 ms")
            .satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        assertThat(this.decoders).isEmpty();
        assertThat(this.samples).singleElement().satisfies((sample) -> {
            assertThat(sample.outcome()).isEqualTo(RecognitionSample.Outcome.EXPIRED);
            assertThat(sample.depth()).isZero();
            assertThat(sample.queueWait()).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @Test
    void aRequestWithinTheQueuesWaitLimitIsServed() {
        AtomicLong now = new AtomicLong();
        Recognizer recognizer = recognizer((query) -> Gear.full(query.depths().get(0)),
                new AdmissionQueue(2, 4, Duration.ofSeconds(3), Duration.ofMillis(1500)),
                () -> now.getAndAdd(1_000_000_000L));

        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(0.5, 16000, 440), null, DepthRequest.auto()))
            .block(TIMEOUT);

        assertThat(recognition.queueWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(this.samples).singleElement().extracting(RecognitionSample::outcome).isEqualTo(RecognitionSample.Outcome.SUCCESS);
    }

    @Test
    void pinnedDepthBypassesTheSelector() {
        int shallowest = this.model.depths().get(0);
        Recognizer recognizer = recognizer((query) -> {
            throw new AssertionError("selector must not be asked for a pinned request");
        }, new AdmissionQueue(2, 4, Duration.ofSeconds(1)));
        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(0.5, 8000, 300), null, DepthRequest.pinned(shallowest)))
            .block(TIMEOUT);
        assertThat(recognition.depth()).isEqualTo(shallowest);
        assertThat(recognition.pinned()).isTrue();
        assertThat(this.samples).singleElement().satisfies((sample) -> {
            assertThat(sample.depth()).isEqualTo(shallowest);
            assertThat(sample.pinned()).isTrue();
            assertThat(sample.outcome()).isEqualTo(RecognitionSample.Outcome.SUCCESS);
            assertThat(sample.latency()).isEqualTo(sample.queueWait().plus(sample.serviceTime()));
        });
    }

    @Test
    void veryShortAudioIsPaddedToTheModelsShortestInput() {
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(1, 0, Duration.ofSeconds(1)));
        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(0.01, 16000, 440), "audio/wav", DepthRequest.auto()))
            .block(TIMEOUT);
        assertThat(recognition.depth()).isEqualTo(this.model.deepest());
    }

    @Test
    void unknownPinnedDepthFailsBeforeAdmission() {
        AdmissionQueue admission = new AdmissionQueue(1, 0, Duration.ofSeconds(1));
        Recognizer recognizer = recognizer(DepthSelector.deepest(), admission);
        assertThatExceptionOfType(UnknownDepthException.class)
            .isThrownBy(() -> recognizer
                .recognize(RecognitionRequest.of(TestAudio.toneWav(0.5, 16000, 440), null, DepthRequest.pinned(97)))
                .block(TIMEOUT))
            .satisfies((ex) -> assertThat(ex.available()).isEqualTo(this.model.depths()));
        assertThat(admission.waiting() + admission.inFlight()).isZero();
        assertThat(this.samples).isEmpty();
    }

    @Test
    void selectorAnswerThatIsNoExitFallsBackToAnOpenExit() {
        Recognizer recognizer = recognizer((query) -> Gear.full(1000), new AdmissionQueue(1, 0, Duration.ofSeconds(1)));
        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(0.5, 16000, 440), null, DepthRequest.auto()))
            .block(TIMEOUT);
        assertThat(recognition.depth()).isEqualTo(this.model.deepest());
    }

    @Test
    void fullQueueRejectsAtOnceAndFreesTheSlotAfterwards() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AdmissionQueue admission = new AdmissionQueue(1, 0, Duration.ofSeconds(2));
        Recognizer recognizer = recognizer((query) -> {
            entered.countDown();
            await(release);
            return Gear.full(query.depths().get(0));
        }, admission);
        byte[] audio = TestAudio.toneWav(0.5, 16000, 440);
        Mono<Recognition> first = recognizer.recognize(RecognitionRequest.of(audio, null, DepthRequest.auto()))
            .cache();
        first.subscribe();
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(admission.inFlight()).isEqualTo(1);
        assertThatExceptionOfType(OverloadedException.class)
            .isThrownBy(() -> recognizer.recognize(RecognitionRequest.of(audio, null, DepthRequest.auto()))
                .block(TIMEOUT))
            .satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
        assertThat(this.rejections).hasSize(1);
        release.countDown();
        assertThat(first.block(TIMEOUT)).isNotNull();
        assertThat(recognizer.recognize(RecognitionRequest.of(audio, null, DepthRequest.auto())).block(TIMEOUT))
            .isNotNull();
        assertThat(admission.inFlight() + admission.waiting()).isZero();
        assertThat(this.admissions).hasSize(2); // the first and the last; the one turned away is a rejection only
    }

    @Test
    void rejectEarlyTurnsAwayWhatRecognizeWouldWithoutReservingAPlace() {
        AdmissionQueue admission = new AdmissionQueue(1, 0, Duration.ofSeconds(1));
        Recognizer recognizer = recognizer(DepthSelector.deepest(), admission);
        recognizer.rejectEarly(DepthRequest.auto());
        recognizer.rejectEarly(DepthRequest.pinned(this.model.deepest()));
        assertThat(admission.waiting() + admission.inFlight()).isZero();
        assertThatExceptionOfType(UnknownDepthException.class)
            .isThrownBy(() -> recognizer.rejectEarly(DepthRequest.pinned(97)));
        admission.admit();
        assertThatExceptionOfType(OverloadedException.class)
            .isThrownBy(() -> recognizer.rejectEarly(DepthRequest.auto()));
        assertThat(this.rejections).hasSize(1);
    }

    @Test
    void undecodableAudioIsReportedAsInvalidAudio() {
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(1, 0, Duration.ofSeconds(1)));
        assertThatExceptionOfType(InvalidAudioException.class)
            .isThrownBy(() -> recognizer
                .recognize(RecognitionRequest.of(new byte[] { 'R', 'I', 'F', 'F', 1, 2, 3 }, "audio/wav",
                        DepthRequest.auto()))
                .block(TIMEOUT));
        assertThat(this.samples).singleElement()
            .satisfies((sample) -> assertThat(sample.outcome()).isEqualTo(RecognitionSample.Outcome.INVALID_AUDIO));
    }

    @Test
    void warmUpRunsEveryExit() {
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(1, 0, Duration.ofSeconds(1)));
        recognizer.warmUp();
        assertThat(this.samples).isEmpty();
    }

    @Test
    void aLongRecordingIsRecognisedSpanBySpanInTheWholeRecordingsTime() {
        int shallowest = this.model.depths().get(0);
        int deepest = this.model.deepest();
        AtomicInteger asked = new AtomicInteger();
        // the governor's gear changes between spans: shallow, deep, shallow
        DepthSelector selector = (query) -> Gear.full((asked.getAndIncrement() % 2 == 0) ? shallowest : deepest);
        List<SpeechSpan> spans = List.of(span(0.5, 2.0), span(3.0, 5.5), span(6.0, 7.0));
        Recognizer recognizer = recognizer(selector, new AdmissionQueue(2, 4, Duration.ofSeconds(1)),
                System::nanoTime, cutter(spans), oneWord(new CopyOnWriteArrayList<>()));

        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(8.0, 16000, 440), null, DepthRequest.auto()))
            .block(TIMEOUT);

        assertThat(recognition.text()).isEqualTo("word word word");
        // each span's word, 0.1-0.2 s into the span, in the recording's time
        assertThat(recognition.words()).extracting(Word::start).containsExactly(0.6, 3.1, 6.1);
        assertThat(recognition.segments()).extracting(ServedSegment::depth)
            .containsExactly(shallowest, deepest, shallowest);
        assertThat(recognition.segments()).extracting((served) -> served.segment().id()).containsExactly(0, 1, 2);
        assertThat(recognition.depth()).isEqualTo(deepest); // it served 2.5 s of the 4 s of speech
        assertThat(recognition.audioSeconds()).isCloseTo(8.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(this.admissions).hasSize(3); // every span is an arrival
        assertThat(this.samples).extracting(RecognitionSample::audioSeconds).containsExactly(1.5, 2.5, 1.0);
        assertThat(this.samples).extracting(RecognitionSample::depth).containsExactly(shallowest, deepest, shallowest);
        assertThat(this.samples).allSatisfy((sample) -> {
            assertThat(sample.outcome()).isEqualTo(RecognitionSample.Outcome.SUCCESS);
            assertThat(sample.latency()).isEqualTo(sample.queueWait().plus(sample.serviceTime()));
        });
    }

    @Test
    void aLongRecordingWithNoSpeechGivesAnEmptyTranscriptWithoutRunningAnExit() {
        AdmissionQueue admission = new AdmissionQueue(1, 0, Duration.ofSeconds(1));
        Recognizer recognizer = recognizer(DepthSelector.deepest(), admission, System::nanoTime, cutter(List.of()),
                null);

        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(8.0, 16000, 440), null, DepthRequest.auto()))
            .block(TIMEOUT);

        assertThat(recognition.text()).isEmpty();
        assertThat(recognition.segments()).isEmpty();
        assertThat(this.decoders).isEmpty();
        assertThat(this.samples).singleElement().satisfies((sample) -> {
            assertThat(sample.depth()).isZero(); // no exit ran: the governor learns nothing of any exit's cost
            assertThat(sample.outcome()).isEqualTo(RecognitionSample.Outcome.SUCCESS);
        });
        assertThat(admission.waiting() + admission.inFlight()).isZero();
    }

    @Test
    void progressTellsEachSpanInOrderBeforeTheStitchedResultWhichIsRecognizesOwn() {
        List<SpeechSpan> spans = List.of(span(0.5, 2.0), span(3.0, 5.5), span(6.0, 7.0));
        // nothing heard in the first span: the deltas still concatenate to the stitched text
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(2, 4, Duration.ofSeconds(1)),
                System::nanoTime, cutter(spans), hearing("", "alpha", "beta", "", "alpha", "beta"));
        byte[] wav = TestAudio.toneWav(8.0, 16000, 440);

        List<RecognitionProgress> progress = recognizer
            .recognizeProgressively(RecognitionRequest.of(wav, null, DepthRequest.auto()))
            .collectList()
            .block(TIMEOUT);
        int progressSamples = this.samples.size();
        Recognition recognized = recognizer.recognize(RecognitionRequest.of(wav, null, DepthRequest.auto()))
            .block(TIMEOUT);

        assertThat(progress).hasSize(4);
        assertThat(progress.subList(0, 3)).allSatisfy((step) -> assertThat(step)
            .isInstanceOf(RecognitionProgress.SpanRecognized.class));
        List<RecognitionProgress.SpanRecognized> told = progress.subList(0, 3)
            .stream()
            .map(RecognitionProgress.SpanRecognized.class::cast)
            .toList();
        assertThat(told).extracting(RecognitionProgress.SpanRecognized::index).containsExactly(0, 1, 2);
        assertThat(told).extracting(RecognitionProgress.SpanRecognized::delta).containsExactly("", "alpha", " beta");
        assertThat(told).extracting(RecognitionProgress.SpanRecognized::depth)
            .containsOnly(this.model.deepest());
        // each span's words in the whole recording's time
        assertThat(told.get(1).transcript().words()).extracting(Word::start).containsExactly(3.1);
        Recognition finished = ((RecognitionProgress.Finished) progress.get(3)).recognition();
        assertThat(finished.text()).isEqualTo("alpha beta").isEqualTo(recognized.text());
        assertThat(finished.words()).isEqualTo(recognized.words());
        assertThat(finished.segments()).isEqualTo(recognized.segments());
        // the same samples as recognize: one per span
        assertThat(progressSamples).isEqualTo(3);
        assertThat(this.samples).hasSize(6);
        assertThat(this.admissions).hasSize(6);
    }

    @Test
    void progressOfARecordingRecognisedWholeIsOnlyItsResult() {
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(1, 0, Duration.ofSeconds(1)));

        List<RecognitionProgress> progress = recognizer
            .recognizeProgressively(RecognitionRequest.of(TestAudio.toneWav(1.5, 16000, 440), null,
                    DepthRequest.auto()))
            .collectList()
            .block(TIMEOUT);

        assertThat(progress).singleElement().isInstanceOfSatisfying(RecognitionProgress.Finished.class,
                (finished) -> assertThat(finished.recognition().depth()).isEqualTo(this.model.deepest()));
        assertThat(this.samples).hasSize(1);
    }

    @Test
    void cancellingProgressAfterItsFirstSpanFreesTheRecordingsPlace() {
        AdmissionQueue admission = new AdmissionQueue(1, 0, Duration.ofSeconds(1));
        List<SpeechSpan> spans = List.of(span(0.5, 2.0), span(3.0, 5.5), span(6.0, 7.0));
        Recognizer recognizer = recognizer(DepthSelector.deepest(), admission, System::nanoTime, cutter(spans),
                oneWord(new CopyOnWriteArrayList<>()));

        RecognitionProgress first = recognizer
            .recognizeProgressively(RecognitionRequest.of(TestAudio.toneWav(8.0, 16000, 440), null,
                    DepthRequest.auto()))
            .next()
            .block(TIMEOUT);

        assertThat(first).isInstanceOf(RecognitionProgress.SpanRecognized.class);
        assertThat(admission.waiting() + admission.inFlight()).isZero();
    }

    @Test
    void undecodableAudioFailsProgressBeforeAnythingIsTold() {
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(1, 0, Duration.ofSeconds(1)));

        assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> recognizer
            .recognizeProgressively(RecognitionRequest.of(new byte[] { 'R', 'I', 'F', 'F', 1, 2, 3 }, "audio/wav",
                    DepthRequest.auto()))
            .collectList()
            .block(TIMEOUT));
    }

    @Test
    void shortRecordingsAreRecognisedWholeWithoutLookingForSpeech() {
        LongFormCutter cutter = cutter(2.0, () -> {
            throw new AssertionError("a recording under the threshold is recognised whole");
        });
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(1, 0, Duration.ofSeconds(1)),
                System::nanoTime, cutter, null);

        Recognition recognition = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(1.5, 16000, 440), null, DepthRequest.auto()))
            .block(TIMEOUT);

        assertThat(recognition.depth()).isEqualTo(this.model.deepest());
        assertThat(this.samples).singleElement().extracting(RecognitionSample::audioSeconds).isEqualTo(1.5);
    }

    @Test
    void requestsArrivingDuringALongRecordingAreServedBetweenItsSpans() throws InterruptedException {
        // one worker: the long recording's spans queue behind the short request sent while its speech was sought
        this.scheduler.dispose();
        this.scheduler = Schedulers.newBoundedElastic(1, 16, "asr-test");
        CountDownLatch seeking = new CountDownLatch(1);
        CountDownLatch shortSent = new CountDownLatch(1);
        List<SpeechSpan> spans = List.of(span(0.5, 2.5), span(3.0, 5.0), span(5.5, 7.5));
        LongFormCutter cutter = cutter(4.0, () -> {
            seeking.countDown();
            await(shortSent);
            return spans;
        });
        List<Integer> decodedFrames = new CopyOnWriteArrayList<>();
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(1, 4, Duration.ofSeconds(1)),
                System::nanoTime, cutter, oneWord(decodedFrames));

        Mono<Recognition> longOne = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(8.0, 16000, 440), null, DepthRequest.auto()))
            .cache();
        longOne.subscribe();
        assertThat(seeking.await(30, TimeUnit.SECONDS)).isTrue();
        Mono<Recognition> shortOne = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(0.5, 16000, 440), null, DepthRequest.auto()))
            .cache();
        shortOne.subscribe();
        shortSent.countDown();

        assertThat(longOne.block(TIMEOUT).words()).hasSize(3);
        assertThat(shortOne.block(TIMEOUT)).isNotNull();
        int spanFrames = decodedFrames.get(1);
        // the short request (fewer frames) was decoded before the first span, not after the last
        assertThat(decodedFrames).hasSize(4);
        assertThat(decodedFrames.get(0)).isLessThan(spanFrames);
        assertThat(decodedFrames.subList(1, 4)).containsOnly(spanFrames);
    }

    @Test
    void theSearchForALongRecordingsSpeechYieldsTheWorkerBetweenItsPieces() throws InterruptedException {
        // one worker: the search's second piece queues behind the short request sent during its first
        this.scheduler.dispose();
        this.scheduler = Schedulers.newBoundedElastic(1, 16, "asr-test");
        CountDownLatch searching = new CountDownLatch(1);
        CountDownLatch shortSent = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        LongFormCutter cutter = new LongFormCutter() {

            @Override
            public boolean cuts(double audioSeconds) {
                return audioSeconds > 4.0;
            }

            @Override
            public List<SpeechSpan> speech(float[] samples) {
                throw new AssertionError("searched in pieces");
            }

            @Override
            public Analysis analyse(float[] samples) {
                return new Analysis() {

                    private int pieces;

                    @Override
                    public boolean advance() {
                        this.pieces++;
                        if (this.pieces == 1) {
                            searching.countDown();
                            await(shortSent);
                        }
                        events.add("piece " + this.pieces);
                        return this.pieces == 3;
                    }

                    @Override
                    public List<SpeechSpan> spans() {
                        return List.of(span(1.0, 3.0));
                    }

                };
            }

        };
        List<Integer> frames = new CopyOnWriteArrayList<>();
        CtcDecoder decoder = oneWord(frames);
        CtcDecoder noting = new CtcDecoder() {

            @Override
            public Transcript decode(float[][] logProbs, int length) {
                events.add("decode " + length);
                return decoder.decode(logProbs, length);
            }

            @Override
            public Settings settings() {
                return decoder.settings();
            }

        };
        Recognizer recognizer = recognizer(DepthSelector.deepest(), new AdmissionQueue(1, 4, Duration.ofSeconds(1)),
                System::nanoTime, cutter, noting);

        Mono<Recognition> longOne = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(8.0, 16000, 440), null, DepthRequest.auto()))
            .cache();
        longOne.subscribe();
        assertThat(searching.await(30, TimeUnit.SECONDS)).isTrue();
        Mono<Recognition> shortOne = recognizer
            .recognize(RecognitionRequest.of(TestAudio.toneWav(0.5, 16000, 440), null, DepthRequest.auto()))
            .cache();
        shortOne.subscribe();
        shortSent.countDown();

        assertThat(longOne.block(TIMEOUT).words()).extracting(Word::start).containsExactly(1.1);
        assertThat(shortOne.block(TIMEOUT)).isNotNull();
        assertThat(events).hasSize(5);
        assertThat(events.subList(0, 1)).containsExactly("piece 1");
        assertThat(events.get(1)).startsWith("decode "); // the short request, between the search's pieces
        assertThat(events.subList(2, 4)).containsExactly("piece 2", "piece 3");
        assertThat(events.get(4)).startsWith("decode ");
        assertThat(this.samples).hasSize(2); // the short request and the one span
    }

    private static SpeechSpan span(double startSeconds, double endSeconds) {
        return new SpeechSpan((int) Math.round(startSeconds * 16000), (int) Math.round(endSeconds * 16000));
    }

    /** Cuts recordings over 4 s into these spans. */
    private static LongFormCutter cutter(List<SpeechSpan> spans) {
        return cutter(4.0, () -> spans);
    }

    /** Cuts recordings over {@code overSeconds} into the spans {@code speech} answers. */
    private static LongFormCutter cutter(double overSeconds, Supplier<List<SpeechSpan>> speech) {
        return new LongFormCutter() {

            @Override
            public boolean cuts(double audioSeconds) {
                return audioSeconds > overSeconds;
            }

            @Override
            public List<SpeechSpan> speech(float[] samples) {
                return speech.get();
            }

        };
    }

    /** A decoder that hears one word, 0.1-0.2 s into whatever it is given, and notes each input's frame count. */
    private static CtcDecoder oneWord(List<Integer> frames) {
        return new CtcDecoder() {

            @Override
            public Transcript decode(float[][] logProbs, int length) {
                frames.add(length);
                return new Transcript("word", List.of(new Word("word", 0.1, 0.2, 0.9)), 0.9);
            }

            @Override
            public Settings settings() {
                return new Settings("greedy", 1, null);
            }

        };
    }

    /** A decoder that hears the given texts, one a call in turn, each as one word 0.1-0.2 s into its input. */
    private static CtcDecoder hearing(String... texts) {
        AtomicInteger calls = new AtomicInteger();
        return new CtcDecoder() {

            @Override
            public Transcript decode(float[][] logProbs, int length) {
                String text = texts[calls.getAndIncrement() % texts.length];
                return text.isEmpty() ? Transcript.empty()
                        : new Transcript(text, List.of(new Word(text, 0.1, 0.2, 0.9)), 0.9);
            }

            @Override
            public Settings settings() {
                return new Settings("greedy", 1, null);
            }

        };
    }

    private Recognizer recognizer(DepthSelector selector, AdmissionQueue admission) {
        return recognizer(selector, admission, System::nanoTime);
    }

    private Recognizer recognizer(DepthSelector selector, AdmissionQueue admission, LongSupplier nanoClock) {
        return recognizer(selector, admission, nanoClock, LongFormCutter.never(), null);
    }

    /**
     * A recognizer on the smoke model whose waits and service times are measured with {@code nanoClock}, which cuts
     * long audio with {@code cutter}, and decodes with {@code decoder} (both gears), or greedily when it is null.
     */
    private Recognizer recognizer(DepthSelector selector, AdmissionQueue admission, LongSupplier nanoClock,
            LongFormCutter cutter, CtcDecoder decoder) {
        ModelManifest manifest = this.model.manifest();
        LogMelExtractor features = ModelFrontEnd.logMel(manifest);
        Vocabulary vocabulary;
        try {
            vocabulary = Vocabulary.load(this.model.directory().resolve(manifest.vocabulary()), manifest.blankId());
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        RecognitionListener listener = new RecognitionListener() {

            @Override
            public void onRecognition(RecognitionSample sample) {
                RecognizerTests.this.samples.add(sample);
            }

            @Override
            public void onAdmitted() {
                RecognizerTests.this.admissions.add("admitted");
            }

            @Override
            public void onRejected() {
                RecognizerTests.this.rejections.add("rejected");
            }

        };
        CtcDecoder greedy = new GreedyCtcDecoder(vocabulary, manifest.outputFrameSeconds());
        return new Recognizer(this.model, new AudioLoader(manifest.sampleRate(), Duration.ofMinutes(10)), features,
                noting("full", (decoder != null) ? decoder : greedy), noting("fast", (decoder != null) ? decoder : greedy),
                new Segmenter()::segment, cutter, selector, admission, this.scheduler, List.of(listener), nanoClock);
    }

    /** {@code decoder}, noting in {@link #decoders} each time it decodes. */
    private CtcDecoder noting(String name, CtcDecoder decoder) {
        return new CtcDecoder() {

            @Override
            public Transcript decode(float[][] logProbs, int length) {
                RecognizerTests.this.decoders.add(name);
                return decoder.decode(logProbs, length);
            }

            @Override
            public Settings settings() {
                return decoder.settings();
            }

        };
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
