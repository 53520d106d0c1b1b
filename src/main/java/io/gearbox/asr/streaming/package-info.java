/**
 * Live streams: audio that arrives as it is spoken, cut into utterances by the voice activity detector's
 * endpointing, with interim results over the open utterance and a final result per utterance, every decode admitted
 * and scheduled like a request. Knows nothing of the wire protocols that carry it (those are in {@code web}).
 */
package io.gearbox.asr.streaming;
