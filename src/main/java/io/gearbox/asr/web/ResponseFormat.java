package io.gearbox.asr.web;

import java.util.Locale;

/**
 * The {@code response_format} values of the OpenAI transcription API.
 */
enum ResponseFormat {

    JSON, TEXT, SRT, VTT, VERBOSE_JSON;

    static ResponseFormat parse(String value) {
        if (value == null || value.isBlank()) {
            return JSON;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidRequestException("response_format must be one of json, text, srt, vtt, verbose_json");
        }
    }

}
