# Build stage: Maven + JDK 17.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml LICENSE ./
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

# Run stage: a JRE, non-root, the runnable jar and conf/.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app asockio
WORKDIR /app
COPY --from=build /src/target/asockio.jar /app/asockio.jar
COPY conf /app/conf
RUN mkdir -p /app/run && chown -R asockio /app/run
USER asockio
EXPOSE 25000/tcp 25000/udp
# Healthy when the admin API's /health answers 200 (conf/docker.json serves it on the container's
# loopback; bash's /dev/tcp, no curl in the image and no second JVM every interval).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/25080 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && read -r -t 4 status <&3 && [[ $status == *' 200 '* ]]"]
# Heap sized from the container's memory limit; an out-of-memory error ends the process (the
# orchestrator restarts it) instead of leaving it half alive.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/asockio.jar"]
# The image's own config: conf/asockio.json with the TCP gate on every interface (a mounted
# config of any shape works the same: -conf /path/to/it).
CMD ["-conf", "conf/docker.json"]
