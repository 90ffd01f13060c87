# Build stage: Maven + JDK 17.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

# Run stage: a JRE, non-root, the same jar and conf/ as the quick start.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app asockio
WORKDIR /app
COPY --from=build /src/target/asockio.jar /app/asockio.jar
COPY conf /app/conf
RUN mkdir -p /app/run && chown -R asockio /app/run
USER asockio
# Inside a container the loopback default is unreachable from outside: listen on all interfaces.
ENV ASOCKIO_GATES_TCP_HOST=0.0.0.0
EXPOSE 25000
ENTRYPOINT ["java", "-jar", "/app/asockio.jar"]
CMD ["-conf", "conf/asockio.json"]
