package io.asockio.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real second JVM running the packaged jar; its output is collected line by line. */
public final class ChildJvm implements AutoCloseable {

  // Put in the queue when the output ends, so that a wait fails at once when the process died.
  private static final String END_OF_OUTPUT = new String("end of output");

  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> transcript = new ArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread pump = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
      lines.add(END_OF_OUTPUT);
    }, "child-jvm-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code java -jar target/asockio.jar args...} in {@code workDir} with extra environment variables. */
  public static ChildJvm startJar(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> javaArgs = new ArrayList<>(List.of("-jar", jar().toString()));
    javaArgs.addAll(List.of(args));
    return start(workDir, env, javaArgs);
  }

  /** Starts a single-file example: {@code java -cp target/asockio.jar examples/FILE args...}. */
  public static ChildJvm startExample(String file, String... args) throws IOException {
    List<String> javaArgs = new ArrayList<>(List.of("-cp", jar().toString(), Path.of("examples", file).toAbsolutePath().toString()));
    javaArgs.addAll(List.of(args));
    return start(Path.of(".").toAbsolutePath(), Map.of(), javaArgs);
  }

  /**
   * Starts {@code command} as given, except that {@code java} is this JVM's own and the jar at
   * {@code imageJar} (a path inside an image) is {@code target/asockio.jar}.
   */
  public static ChildJvm startAsImage(Path workDir, Map<String, String> env, List<String> command, String imageJar)
      throws IOException {
    List<String> resolved = new ArrayList<>();
    for (String part : command) {
      if (part.equals("java")) {
        resolved.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      } else {
        resolved.add(part.equals(imageJar) ? jar().toString() : part);
      }
    }
    ProcessBuilder builder = new ProcessBuilder(resolved).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new ChildJvm(builder.start());
  }

  /** Starts {@code mainClass} on {@code classPath} (entries joined with the path separator). */
  public static ChildJvm startMain(Path workDir, List<String> classPath, String mainClass, String... args) throws IOException {
    return startMain(workDir, Map.of(), classPath, mainClass, args);
  }

  /** Starts {@code mainClass} on {@code classPath} with extra environment variables (e.g. {@code JAVA_TOOL_OPTIONS}). */
  public static ChildJvm startMain(Path workDir, Map<String, String> env, List<String> classPath, String mainClass,
                                   String... args) throws IOException {
    List<String> javaArgs = new ArrayList<>(List.of("-cp", String.join(java.io.File.pathSeparator, classPath), mainClass));
    javaArgs.addAll(List.of(args));
    return start(workDir, env, javaArgs);
  }

  /** This JVM's own class path (the project's classes, its test classes and every dependency). */
  public static List<String> testClassPath() {
    return List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
  }

  public static Path jar() {
    Path jar = Path.of("target", "asockio.jar").toAbsolutePath();
    if (!jar.toFile().isFile()) {
      throw new IllegalStateException(jar + " is missing: integration tests run after 'mvn package' (use 'mvn verify')");
    }
    return jar;
  }

  private static ChildJvm start(Path workDir, Map<String, String> env, List<String> javaArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC"));
    command.addAll(javaArgs);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new ChildJvm(builder.start());
  }

  /** Waits for an output line matching {@code regex}; returns its match. */
  public Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == END_OF_OUTPUT) {
        lines.add(END_OF_OUTPUT); // later waits fail at once too
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("the process ended before a line matching /" + regex + "/; its output:\n"
            + String.join("\n", transcript) + (process.isAlive() ? "" : "\n(exit code " + process.exitValue() + ")"));
      }
      if (line == null) {
        throw new AssertionError("no line matching /" + regex + "/ within " + timeout.toSeconds() + " s; output so far:\n"
            + String.join("\n", transcript) + (process.isAlive() ? "" : "\n(process exited " + process.exitValue() + ")"));
      }
      transcript.add(line);
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
  }

  /** Writes to the process's standard input. */
  public void stdin(String text) throws IOException {
    process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  /** Closes the process's standard input (end of input). */
  public void closeStdin() throws IOException {
    process.getOutputStream().close();
  }

  public Process process() {
    return process;
  }

  /** Waits for the exit; returns the exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the process did not exit within " + timeout.toSeconds() + " s");
    }
    return process.exitValue();
  }

  /** All output read so far plus what is buffered; once the process ended, all of it. */
  public String output() {
    List<String> rest = new ArrayList<>();
    lines.drainTo(rest);
    boolean ended = rest.stream().anyMatch(line -> line == END_OF_OUTPUT);
    if (!process.isAlive() && !ended) {
      // The process ended: what it wrote last may still be on its way through the pump.
      try {
        for (String line; (line = lines.poll(10, TimeUnit.SECONDS)) != null; ) {
          rest.add(line);
          if (line == END_OF_OUTPUT) {
            ended = true;
            break;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    rest.removeIf(line -> line == END_OF_OUTPUT);
    if (ended) {
      lines.add(END_OF_OUTPUT); // later calls and waits see the end at once
    }
    transcript.addAll(rest);
    return String.join("\n", transcript);
  }

  /**
   * Sends SIGTERM (what {@code docker stop} and service managers send) and keeps reading the
   * output; {@code Process.destroy()} would close the pipes and lose what the process says
   * while it stops.
   */
  public void terminate() throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
