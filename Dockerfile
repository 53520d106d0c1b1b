# The service's image, for podman and Docker alike. Build the jar first, then the image:
#
#   ./mvnw -DskipTests package
#   docker build -t gearbox-asr .                      # or: podman build --format docker -t gearbox-asr .
#
# Where no registry is reachable, deploy/images.sh makes a JRE base from Debian's packages and passes it as
# BASE_IMAGE. Run it read-only as its own user (docs/deployment.md):
#
#   docker run --read-only --tmpfs /tmp -p 8080:8080 gearbox-asr
#
# The model (models/gearbox-en) and the voice activity detector (models/silero-vad) are baked in under /app/models
# (deploy/image/application.yml names them); mount others over them or point asr.model.path /
# asr.segmentation.vad-model (ASR_MODEL_PATH, ASR_SEGMENTATION_VAD_MODEL) at a mounted folder.

# Any JRE 17+ image with bash (for the health check); the default is the one most users pull.
ARG BASE_IMAGE=eclipse-temurin:17-jre

# Spring Boot's layered jar, extracted so that each layer is its own image layer: a code change re-ships only the
# application layer, not the dependencies (about 60 MB) or the model.
FROM ${BASE_IMAGE} AS extract
WORKDIR /build
COPY target/gearbox-asr-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM ${BASE_IMAGE}
WORKDIR /app
# Least often changed first.
COPY --from=extract /build/extracted/dependencies/ ./
COPY --from=extract /build/extracted/spring-boot-loader/ ./
COPY models/silero-vad/ models/silero-vad/
COPY models/gearbox-en/ models/gearbox-en/
COPY --from=extract /build/extracted/snapshot-dependencies/ ./
COPY --from=extract /build/extracted/application/ ./

# The image's defaults (the model's paths, the port) as the lowest-ranked configuration file Spring Boot reads,
# ./config/application.yml: as environment variables they would override the file a deployment mounts (the Helm
# chart's ConfigMap), which Spring Boot ranks below the environment. ASR_MODEL_PATH and the like still override them.
COPY deploy/image/application.yml config/application.yml

# The heap's default share of the memory limit, in JAVA_TOOL_OPTIONS rather than on the command line: the JVM reads
# JAVA_TOOL_OPTIONS before its command line, so a flag in ENTRYPOINT would override the one a deployment sets (the
# chart's jvmMaxRamPercentage); setting JAVA_TOOL_OPTIONS replaces this default.
ENV JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=60

# A numeric user with no account: nothing in the image is writable by it, and nothing needs to be. ONNX Runtime
# unpacks its native library into java.io.tmpdir, so run with --read-only --tmpfs /tmp.
USER 10001:0
EXPOSE 8080

# Ready (every exit loaded and warmed up) rather than merely alive, so that "healthy" means "can serve"; it turns
# unhealthy while the service drains after SIGTERM. bash's /dev/tcp: the base image may have no curl or wget.
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [ \"$status\" = 200 ]"]

# SIGTERM drains: readiness goes down, requests in flight finish within asr.shutdown.grace-period (25 s), then the
# process exits with 143. Give the container at least 30 s to stop (docker stop -t 30, compose stop_grace_period).
STOPSIGNAL SIGTERM

# Heap sized from the container's memory limit (JAVA_TOOL_OPTIONS, above), leaving the rest for ONNX Runtime's native
# memory (the sessions' arenas and weights live outside the heap); arguments add --asr.* properties.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", \
    "org.springframework.boot.loader.launch.JarLauncher"]
