# The service as a container image: docker build -t anomstack-model-store . (see README, "Container image").
# Build arguments: VERSION and REVISION (the git commit) become OCI labels, e.g.
#   docker build --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse HEAD)" -t anomstack-model-store:0.1.0 .

FROM eclipse-temurin:17-jdk AS build
WORKDIR /build
# The Maven wrapper and the POM first: the dependency layer is rebuilt only when they change, not on every edit of src.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src/main/ src/main/
# The tests run in CI (./mvnw verify), not here: skip compiling them, and the test-only S3Mock download (mdep.skip).
RUN ./mvnw -B -ntp package -Dmaven.test.skip=true -Dmdep.skip=true
# One directory per layer, each with the launcher's layout: the runtime stage copies them one by one, least often
# changed first, so that a code change ships only the small application layer.
RUN java -Djarmode=tools -jar target/anomstack-model-store-*.jar extract --layers --launcher --destination /extracted

FROM eclipse-temurin:17-jre
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="anomstack-model-store" \
      org.opencontainers.image.description="Stores trained Anomstack anomaly-detection models in Amazon S3 behind a REST API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="eclipse-temurin:17-jre"
# A fixed numeric uid and gid (the Helm chart's securityContext uses the same), so that runAsNonRoot can verify them.
RUN groupadd --system --gid 10001 modelstore \
    && useradd --system --uid 10001 --gid modelstore --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin modelstore
WORKDIR /app
# Owned by root and not writable by the service: the root filesystem can be mounted read-only.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
# /tmp is the one writable path the image needs (Tomcat's work files, and local mode's data when no bucket is set, a
# throw-away try-out store: with S3_BUCKET_NAME nothing is written there). Mount an emptyDir or tmpfs at /tmp.
# The heap takes 60% of the container's memory limit; the rest is for metaspace, code cache, GC structures, thread
# stacks and zstd's native buffers (README, "Container image", has the measurements). JAVA_TOOL_OPTIONS, not the
# entrypoint, so that a deployment can choose another share or an -Xmx by setting it (the Helm chart does).
ENV MODELSTORE_DATA_DIR=/tmp/modelstore-data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
# The REST API and the S3 API (MODELSTORE_S3API_PORT).
EXPOSE 8080 9000
# Exec form: java is PID 1 and gets SIGTERM itself. Flags here win over JAVA_TOOL_OPTIONS, so they hold whatever a
# deployment sets: exit on OutOfMemoryError (the orchestrator restarts the container) and temporary files in /tmp.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", \
            "org.springframework.boot.loader.launch.JarLauncher"]
