package io.asockio.impl.node;

import io.asockio.config.AsockioConfig;
import io.asockio.config.ConfigException;
import io.asockio.config.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Builds the Vert.x instance a config asks for: plain, or clustered with Hazelcast (see
 * {@link HazelcastClustering}). Hazelcast is optional for libraries that embed asockio: this
 * class does not touch it unless {@code cluster.enabled}.
 */
public final class Clustering {

  private static final String HAZELCAST_MANAGER = "io.vertx.spi.cluster.hazelcast.HazelcastClusterManager";

  // The cluster managers of the Vert.x instances built here, so that a node finds its own.
  private static final Map<Vertx, ClusterManager> MANAGERS = Collections.synchronizedMap(new WeakHashMap<>());

  private Clustering() {
  }

  /** The cluster manager of a Vert.x built by {@link #vertx}, or null. */
  public static ClusterManager managerOf(Vertx vertx) {
    return MANAGERS.get(vertx);
  }

  /**
   * Vert.x options shared by both modes: the native transport preference, and with the admin
   * API on, Vert.x's own metrics in a Prometheus registry (which the admin API serves, with
   * asockio's meters in it).
   */
  public static VertxOptions options(AsockioConfig config) {
    VertxOptions options = new VertxOptions().setPreferNativeTransport(config.nativeTransport());
    if (config.admin().enabled()) {
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }
    return options;
  }

  /** A Vert.x for this config: clustered when {@code cluster.enabled}. */
  public static Future<Vertx> vertx(AsockioConfig config) {
    return vertx(config, options(config));
  }

  /** Like {@link #vertx(AsockioConfig)}, from Vert.x options of the caller's (event loops, metrics). */
  public static Future<Vertx> vertx(AsockioConfig config, VertxOptions options) {
    ClusterConfig cluster = config.cluster();
    if (!cluster.enabled()) {
      return Future.succeededFuture(Vertx.builder().with(options).build());
    }
    if (!hazelcastPresent()) {
      return Future.failedFuture(new ConfigException("cluster.enabled", "clustering needs io.vertx:vertx-hazelcast on the "
          + "class path (the runnable jar has it; an application that embeds asockio adds that dependency)"));
    }
    EventBusOptions eventBus = new EventBusOptions().setHost(cluster.effectiveEventBusHost()).setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.publicHost() != null ? cluster.publicHost() : cluster.effectiveEventBusHost());
    if (cluster.eventBusPublicPort() > 0) {
      eventBus.setClusterPublicPort(cluster.eventBusPublicPort());
    }
    options.setEventBusOptions(eventBus);
    ClusterManager manager = HazelcastClustering.manager(cluster);
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .onSuccess(vertx -> MANAGERS.put(vertx, manager));
  }

  static boolean hazelcastPresent() {
    try {
      Class.forName(HAZELCAST_MANAGER, false, Clustering.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException absent) {
      return false;
    }
  }
}
