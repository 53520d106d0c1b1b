package io.gearbox.asr.web;

/**
 * Exchange attributes the handlers set for observers such as request metrics, and the short names of the
 * endpoints those observers tag.
 */
public final class WebAttributes {

    /** The exit depth ({@link Integer}) that served the request; absent when none did. */
    public static final String DEPTH = WebAttributes.class.getName() + ".depth";

    private WebAttributes() {
    }

    /**
     * @param path a request path
     * @return the short endpoint name for one of this package's endpoints ({@code transcriptions}, {@code recognize},
     * {@code models}, also for one model, or {@code governor}), or {@code null}
     */
    public static String endpointOf(String path) {
        if (path.startsWith("/v1/models/")) {
            return "models";
        }
        return switch (path) {
            case "/v1/audio/transcriptions" -> "transcriptions";
            case "/v1/recognize" -> "recognize";
            case "/v1/models" -> "models";
            case "/v1/governor" -> "governor";
            default -> null;
        };
    }

}
