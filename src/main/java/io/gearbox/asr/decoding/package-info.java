/**
 * CTC decoding of a model's output into text with word timings and confidences, from plain arrays.
 *
 * <p>Input: {@code float[T][V]} log-probabilities (log-softmax over the {@link io.gearbox.asr.decoding.Vocabulary}),
 * of which the first {@code length} frames are valid. Output: a {@link io.gearbox.asr.decoding.Transcript}.
 *
 * <p>Contract shared by every {@link io.gearbox.asr.decoding.CtcDecoder}:
 * <ul>
 * <li><b>Tokens.</b> A decoder picks a CTC alignment (one label per frame), collapses repeated labels and drops
 * blanks. Each emitted token keeps the span of consecutive frames {@code [first, last]} it was aligned to and
 * {@code maxLogProb}, the largest log-probability of that token over its span.</li>
 * <li><b>Words.</b> A token whose piece starts with U+2581 starts a new word (so does the first token). A word's
 * text is its pieces concatenated, U+2581 removed, whitespace collapsed; special pieces written {@code <...>}
 * ({@code <unk>}, {@code <blank>}, ...) add no text, and a word left with no text (an {@code <unk>}-only word) is
 * dropped.</li>
 * <li><b>Timing.</b> Output frame {@code t} spans {@code [t, t + 1) * frameSeconds} (0.08 s for the shipped models:
 * subsampling 8 x 10 ms). A word starts at {@code firstFrame(first token) * frameSeconds} and ends at
 * {@code (lastFrame(last token) + 1) * frameSeconds}.</li>
 * <li><b>Confidence.</b> A token's confidence is {@code exp(maxLogProb)}, the peak posterior of the token where it
 * was emitted: CTC posteriors are peaky, so the peak says how sure the model was of the token, whereas a mean
 * over the span would be diluted by the frames where the token is fading into blank. A word's confidence is the
 * mean of its tokens' confidences; the transcript's is the mean of its words' confidences (0 when there are no
 * words). All are in [0, 1].</li>
 * <li><b>Text.</b> The words joined by single spaces, equivalently the pieces concatenated with U+2581 as a space,
 * trimmed and whitespace collapsed.</li>
 * </ul>
 * {@link io.gearbox.asr.decoding.Segmenter} groups words into subtitle-sized segments.
 *
 * <p>{@link io.gearbox.asr.decoding.NgramLanguageModel} is the word n-gram model the beam search fuses in
 * ({@link io.gearbox.asr.decoding.LanguageModelFusion}): an ARPA file read into a bit-packed trie with quantised
 * values (package-private {@code ArpaReader}, {@code WordIndex}, {@code TrieLevel}, {@code Codebook}).
 *
 * <p>Decoders are immutable and thread-safe. Nothing in this package depends on Spring, Reactor or ONNX Runtime.
 */
package io.gearbox.asr.decoding;
