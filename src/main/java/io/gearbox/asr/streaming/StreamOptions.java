package io.gearbox.asr.streaming;

import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.segmentation.EndpointSettings;

/**
 * What one client asked of its stream.
 *
 * @param depth the depth of its utterances: {@code auto} (the governor's gear when each is decoded) or pinned
 * @param interimResults whether to send interim results while an utterance is open
 * @param endpoints when its utterances end
 */
public record StreamOptions(DepthRequest depth, boolean interimResults, EndpointSettings endpoints) {

    public StreamOptions {
        depth = (depth != null) ? depth : DepthRequest.auto();
        if (endpoints == null) {
            throw new IllegalArgumentException("endpoints must be set");
        }
    }

}
