# syntax=docker/dockerfile:1
#
# Images of the three Trellis services, one build target each:
#   docker build --target scheduler-service  -t trellis/scheduler-service:0.1.0 .
#   docker build --target checkpoint-service -t trellis/checkpoint-service:0.1.0 .
#   docker build --target worker-service     -t trellis/worker-service:0.1.0 .
# The jars are built inside, so a machine with Docker and nothing else can build the images;
# the build stage is shared, so building all three compiles the code once.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl scheduler-service,checkpoint-service,worker-service -am package -DskipTests \
 && mkdir /jars \
 && for service in scheduler-service checkpoint-service worker-service; do \
      cp "$service"/target/"$service"-*-exec.jar /jars/"$service".jar; \
    done

# What the three images share: a JRE, curl for the health check, and one non-root user whose uid
# is the same in every image, so the workflow data volume is writable by the scheduler and the workers.
FROM eclipse-temurin:17-jre AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 trellis \
 && useradd --system --uid 10001 --gid trellis --home-dir /app --shell /usr/sbin/nologin trellis \
 && mkdir -p /app /data \
 && chown trellis:trellis /data
WORKDIR /app
# The heap follows the container's memory limit; on OOM the JVM exits so the orchestrator restarts it.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError"
# Spring Boot reads SERVER_PORT as server.port; the health check asks the same port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
    CMD curl -fsS "http://localhost:${SERVER_PORT}/actuator/health/liveness" || exit 1
# exec: java is PID 1 and gets SIGTERM, so the services shut down gracefully.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar \"$@\"", "java"]

FROM runtime AS scheduler-service
COPY --from=build /jars/scheduler-service.jar /app/app.jar
ENV SERVER_PORT=8080 \
    TRELLIS_SCHEDULER_DATAROOT=/data
EXPOSE 8080
USER trellis

FROM runtime AS checkpoint-service
COPY --from=build /jars/checkpoint-service.jar /app/app.jar
ENV SERVER_PORT=8082
EXPOSE 8082
USER trellis

# A block runs bash and python apps in its slots, as child processes beside the JVM: the heap gets
# a smaller share of the container's memory than in the other services.
FROM runtime AS worker-service
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bash python3 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /jars/worker-service.jar /app/app.jar
ENV SERVER_PORT=8081 \
    TRELLIS_WORKER_DATAROOT=/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8081
USER trellis
