package io.asockio.api;

import io.asockio.config.AsockioConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * asockio as a verticle: its JSON config ({@code DeploymentOptions.setConfig}) is exactly the
 * config file's JSON. Deploying it starts a node (gates listen, links dial); undeploying it, or
 * closing Vert.x, stops the node: its directory records go first, then its gates and links.
 *
 * <pre>{@code
 * vertx.deployVerticle("io.asockio.api.AsockioVerticle", new DeploymentOptions().setConfig(json));
 * vertx.deployVerticle(new AsockioVerticle(), new DeploymentOptions().setConfig(json));
 * }</pre>
 *
 * Several deployments in one Vert.x coexist (with different gates); each is a node of its own.
 * A bad config fails the deployment with a {@link io.asockio.config.ConfigException} that
 * names the key.
 */
public class AsockioVerticle extends VerticleBase {

  private volatile Asockio node;

  /** Deployed by name or by instance; the config comes from the deployment options. */
  public AsockioVerticle() {
  }

  @Override
  public Future<?> start() {
    AsockioConfig config;
    try {
      config = AsockioConfig.fromJson(config());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return Asockio.start(vertx, config).onSuccess(started -> node = started);
  }

  @Override
  public Future<?> stop() {
    Asockio running = node;
    node = null;
    return running == null ? Future.succeededFuture() : running.stop();
  }

  /** The running node (to send, attach processors, read counters), or null before start and after stop. */
  public Asockio node() {
    return node;
  }
}
