package io.asockio.impl.admin;

import io.asockio.config.AdminConfig;
import io.asockio.impl.gate.TlsOptions;
import io.asockio.impl.metrics.NodeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.logging.Logger;

/**
 * The admin HTTP API on its own port (see README, "Operations"): Prometheus metrics, health
 * and readiness, the node, its clients cluster-wide, disconnect, access reload, and a live
 * page at {@code /}. Every route but the page itself needs the bearer token when one is set
 * (tokens are compared in constant time and never logged); errors are JSON
 * {@code {"error": "..."}} with a 4xx status.
 */
public final class AdminVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(AdminVerticle.class.getName());
  /** Largest request body (an access section). */
  static final int MAX_BODY = 1024 * 1024;

  private final AdminConfig config;
  private final AdminOps ops;
  private final NodeMetrics metrics;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private final BooleanSupplier stopping;
  private final IntConsumer boundPort;
  private final byte[] token;
  private HttpServer server;

  /**
   * @param liveness  checks behind {@code /health}
   * @param readiness checks behind {@code /ready}
   * @param boundPort told the port once listening
   */
  public AdminVerticle(AdminConfig config, AdminOps ops, NodeMetrics metrics, HealthChecks liveness, HealthChecks readiness,
                       BooleanSupplier stopping, IntConsumer boundPort) {
    this.config = config;
    this.ops = ops;
    this.metrics = metrics;
    this.liveness = liveness;
    this.readiness = readiness;
    this.stopping = stopping;
    this.boundPort = boundPort;
    this.token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/").handler(this::page);
    router.route().handler(this::authenticate);
    router.get("/metrics").handler(this::metrics);
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/node").handler(ctx -> ctx.json(ops.describeNode(stopping)));
    router.get("/stats").handler(ctx -> ctx.json(new JsonObject().put("at", System.currentTimeMillis())
        .put("gates", metrics.gateTotals())));
    router.get("/clients").handler(ctx -> reply(ctx, ops.listClients(param(ctx, "gate"), param(ctx, "kind"),
        param(ctx, "name"), param(ctx, "limit"), param(ctx, "after"))));
    router.get("/clients/:name").handler(ctx -> reply(ctx, ops.client(ctx.pathParam("name"))));
    router.post().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
    router.post("/clients/:name/disconnect").handler(ctx -> {
      JsonObject body = bodyObject(ctx, true);
      if (body != null) {
        Object reason = body.getValue("reason");
        if (reason != null && !(reason instanceof String)) {
          error(ctx, 400, "reason must be a string");
          return;
        }
        reply(ctx, ops.disconnect(ctx.pathParam("name"), (String) reason));
      }
    });
    router.post("/access/reload").handler(ctx -> {
      JsonObject body = bodyObject(ctx, false);
      if (body != null) {
        reply(ctx, Future.succeededFuture().map(v -> ops.reloadAccess(body.containsKey("access") && body.size() == 1
            ? body.getJsonObject("access") : body)));
      }
    });
    router.route().last().handler(ctx -> error(ctx, 404, "no such route: " + ctx.request().method() + " " + ctx.request().path()));
    router.route().failureHandler(ctx -> {
      Throwable failure = ctx.failure();
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (status >= 500) {
        LOG.warning(() -> "admin request " + ctx.request().method() + " " + ctx.request().path() + " failed: " + failure);
      }
      error(ctx, status, failure == null ? "request failed" : String.valueOf(failure.getMessage()));
    });

    HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port());
    if (config.tls() != null) {
      TlsOptions.apply(options, config.tls());
    }
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen().onSuccess(s -> {
      boundPort.accept(s.actualPort());
      LOG.info(() -> "admin API on " + (config.tls() != null ? "https" : "http") + "://" + config.host() + ":" + s.actualPort()
          + (token == null ? " (no token: loopback only)" : " (bearer token required)"));
    });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  // The token in constant time, so that its bytes cannot be found by timing.
  private void authenticate(RoutingContext ctx) {
    if (token == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    byte[] given = header != null && header.startsWith("Bearer ")
        ? header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(token, given)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"asockio\"");
      error(ctx, 401, header == null ? "this admin API needs Authorization: Bearer <token>" : "wrong token");
      return;
    }
    ctx.next();
  }

  private void metrics(RoutingContext ctx) {
    if (!(metrics.registry() instanceof PrometheusMeterRegistry)) {
      error(ctx, 404, "meters go to a registry of the application (" + metrics.registry().getClass().getSimpleName()
          + "), not to Prometheus text here");
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(((PrometheusMeterRegistry) metrics.registry()).scrape());
  }

  private void page(RoutingContext ctx) {
    try (InputStream in = AdminVerticle.class.getResourceAsStream("/io/asockio/admin/index.html")) {
      if (in == null) {
        error(ctx, 404, "the live page is not in this build");
        return;
      }
      ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
          .putHeader("Cache-Control", "no-store")
          .end(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      ctx.fail(500, e);
    }
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  // The request body as a JSON object (an empty body is {} when allowed); null after an error reply.
  private static JsonObject bodyObject(RoutingContext ctx, boolean emptyAllowed) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      if (emptyAllowed) {
        return new JsonObject();
      }
      error(ctx, 400, "expected a JSON object in the request body");
      return null;
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "the body is not a JSON object: " + io.asockio.config.ConfigLoader.shortJsonError(e));
      return null;
    }
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else if (ar.cause() instanceof AdminOps.AdminException) {
        error(ctx, ((AdminOps.AdminException) ar.cause()).status(), ar.cause().getMessage());
      } else {
        ctx.fail(500, ar.cause());
      }
    });
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }
}
