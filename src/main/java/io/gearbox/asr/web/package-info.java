/**
 * HTTP adapters: the OpenAI-compatible {@code /v1/audio/transcriptions}, the raw-body {@code /v1/recognize}, the
 * model listing {@code /v1/models}, the load governor's {@code /v1/governor} (GET for anyone, PUT behind the operators'
 * bearer token, {@link io.gearbox.asr.web.AdminToken}), their DTOs, the upload limits, and the single error mapper
 * ({@link io.gearbox.asr.web.ProblemDetailsExceptionHandler}) that turns every failure into an RFC 9457
 * {@code application/problem+json} response; and the WebSocket streams ({@link io.gearbox.asr.web.StreamEndpoints}):
 * the native {@code /v1/stream} and OpenAI's Realtime transcription sessions on {@code /v1/realtime}, whose failures
 * {@link io.gearbox.asr.web.StreamFailure} maps.
 */
package io.gearbox.asr.web;
