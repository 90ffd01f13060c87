package io.asockio.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar asockio.jar admin VERB ...}: the admin API from a shell. Prints the JSON
 * answer; a refusal prints its error and exits 3, an unreachable API exits 4.
 */
public final class AdminCommand {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_REFUSED = 3;
  public static final int EXIT_UNREACHABLE = 4;
  public static final String DEFAULT_URL = "http://127.0.0.1:25080";

  static final String USAGE = String.join("\n",
      "usage: java -jar asockio.jar admin VERB [--url URL] [--token TOKEN]",
      "  node                              the node: version, uptime, gates, links, limits, counters",
      "  clients [--gate G] [--kind K] [--name GLOB] [--limit N] [--after NAME]",
      "                                    connected clients of the cluster, a page at a time",
      "  client NAME                       one client's record (and traffic, on its node)",
      "  disconnect NAME [--reason TEXT]   close its connection (queued output still goes out)",
      "  reload FILE                       new access rules: a JSON file with the access section",
      "                                    (or a whole config: its \"access\" is taken), validated whole",
      "  --url URL      the admin API (default " + DEFAULT_URL + ")",
      "  --token TOKEN  its bearer token; default: the ASOCKIO_ADMIN_TOKEN environment variable",
      "exit codes: 0 done, 2 bad usage, 3 refused by the API (its error is printed), 4 unreachable");

  private AdminCommand() {
  }

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.contains("-h") || args.contains("--help")) {
      (args.isEmpty() ? err : out).println(USAGE);
      return args.isEmpty() ? EXIT_USAGE : EXIT_OK;
    }
    String verb = args.get(0);
    String url = DEFAULT_URL;
    String token = System.getenv("ASOCKIO_ADMIN_TOKEN");
    Map<String, String> options = new LinkedHashMap<>();
    String operand = null;
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith("--")) {
        if (i + 1 >= args.size()) {
          err.println("asockio admin: " + arg + " needs a value");
          return EXIT_USAGE;
        }
        String value = args.get(++i);
        switch (arg) {
          case "--url" -> url = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
          case "--token" -> token = value;
          case "--gate", "--kind", "--name", "--limit", "--after", "--reason" -> options.put(arg.substring(2), value);
          default -> {
            err.println("asockio admin: unknown option " + arg + "\n" + USAGE);
            return EXIT_USAGE;
          }
        }
      } else if (operand == null) {
        operand = arg;
      } else {
        err.println("asockio admin: unexpected argument " + arg);
        return EXIT_USAGE;
      }
    }
    HttpRequest.Builder request;
    try {
      request = switch (verb) {
        case "node" -> get(url + "/node");
        case "clients" -> get(url + "/clients" + query(options, List.of("gate", "kind", "name", "limit", "after")));
        case "client" -> get(url + "/clients/" + encode(required(operand, "client NAME")));
        case "disconnect" -> post(url + "/clients/" + encode(required(operand, "disconnect NAME")) + "/disconnect",
            options.containsKey("reason") ? new JsonObject().put("reason", options.get("reason")).encode() : "{}");
        case "reload" -> post(url + "/access/reload", accessSection(Path.of(required(operand, "reload FILE"))));
        default -> throw new IllegalArgumentException("unknown verb " + verb + "\n" + USAGE);
      };
    } catch (IllegalArgumentException e) {
      err.println("asockio admin: " + e.getMessage());
      return EXIT_USAGE;
    }
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("asockio admin: cannot reach " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return EXIT_UNREACHABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_FAILED;
    }
    String body = response.body();
    if (response.statusCode() >= 400) {
      String error = body;
      try {
        error = new JsonObject(body).getString("error", body);
      } catch (DecodeException ignored) {
        // not JSON: print as it came
      }
      err.println("asockio admin: " + response.statusCode() + ": " + error);
      return response.statusCode() < 500 ? EXIT_REFUSED : EXIT_FAILED;
    }
    try {
      out.println(new JsonObject(body).encodePrettily());
    } catch (DecodeException e) {
      out.println(body);
    }
    return EXIT_OK;
  }

  private static HttpRequest.Builder get(String url) {
    return HttpRequest.newBuilder(uri(url)).GET();
  }

  private static HttpRequest.Builder post(String url, String json) {
    return HttpRequest.newBuilder(uri(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  private static URI uri(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException("--url must be http://HOST:PORT or https://HOST:PORT, got " + url);
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().startsWith("--url") ? e.getMessage() : "--url is not a URL: " + url);
    }
  }

  private static String required(String operand, String form) {
    if (operand == null) {
      throw new IllegalArgumentException("usage: admin " + form);
    }
    return operand;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(Map<String, String> options, List<String> keys) {
    StringBuilder q = new StringBuilder();
    for (String key : keys) {
      if (options.containsKey(key)) {
        q.append(q.length() == 0 ? '?' : '&').append(key).append('=').append(encode(options.get(key)));
      }
    }
    return q.toString();
  }

  private static String accessSection(Path file) {
    try {
      JsonObject json = new JsonObject(Files.readString(file));
      return (json.containsKey("access") ? json.getJsonObject("access") : json).encode();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException(file + " is not a JSON object: " + io.asockio.config.ConfigLoader.shortJsonError(e));
    }
  }
}
