package io.gearbox.asr.web;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gearbox.asr.decoding.CtcDecoder;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.recognition.Recognizer;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/models}: the served model and its open exits, with an OpenAI-style {@code data} list; and
 * {@code GET /v1/models/{id}}: one entry of that list, OpenAI's model object (404 {@code model_not_found} for an id
 * the service does not serve).
 */
@RestController
class ModelsController {

    private final Recognizer recognizer;

    private final CtcDecoder decoder;

    ModelsController(Recognizer recognizer, CtcDecoder decoder) {
        this.recognizer = recognizer;
        this.decoder = decoder;
    }

    @GetMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
    ModelsResponse models() {
        ModelManifest manifest = this.recognizer.manifest();
        List<Integer> open = this.recognizer.depths();
        List<ExitInfo> exits = manifest.exits()
            .stream()
            .filter((exit) -> open.contains(exit.depth()))
            .map((exit) -> new ExitInfo(exit.depth(), exit.file(), exit.parameters(), exit.devWer(), exit.devWerLm()))
            .toList();
        return new ModelsResponse("list", manifest.name(), manifest.version(), manifest.language(),
                manifest.sampleRate(), open.get(open.size() - 1), exits, this.decoder.settings(),
                List.of(openAiModel(manifest)));
    }

    @GetMapping(path = "/v1/models/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    OpenAiModel model(@PathVariable("id") String id) {
        ModelManifest manifest = this.recognizer.manifest();
        if (!manifest.name().equals(id)) {
            throw new UnknownModelException("This service serves the model '" + manifest.name() + "' only");
        }
        return openAiModel(manifest);
    }

    private static OpenAiModel openAiModel(ModelManifest manifest) {
        return new OpenAiModel(manifest.name(), "model", 0, "gearbox");
    }

    /**
     * @param object always {@code list} (OpenAI's list envelope)
     * @param name the model's name
     * @param version the model's version
     * @param language the model's language code
     * @param sampleRate the model's sample rate in Hz
     * @param deepest the deepest open exit
     * @param exits the open exits, shallowest first
     * @param decoding how the service decodes: method, beam width, and the word language model if one is fused in
     * @param data the model as OpenAI's model list
     */
    record ModelsResponse(String object, String name, String version, String language, int sampleRate, int deepest,
            List<ExitInfo> exits, CtcDecoder.Settings decoding, List<OpenAiModel> data) {
    }

    /**
     * @param depth encoder layers in the exit
     * @param file its ONNX file
     * @param parameters parameters it uses
     * @param devWer word error rate per development set, decoded greedily
     * @param devWerLm word error rate per development set with the default decoder and the language model
     */
    record ExitInfo(int depth, String file, long parameters, Map<String, Double> devWer,
            Map<String, Double> devWerLm) {
    }

    /**
     * OpenAI's model object.
     * @param id the model's name, as requests name it
     * @param object always {@code model}
     * @param created when it was made, in Unix seconds ({@code 0}: the manifest does not say)
     * @param ownedBy always {@code gearbox}
     */
    record OpenAiModel(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }

}
