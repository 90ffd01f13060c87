package io.asockio.impl.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Builds the Vert.x instance a config asks for: plain, or clustered with Hazelcast set up so
 * that it binds only to {@code cluster.host}, joins only the listed members over TCP/IP, and
 * never multicasts, auto-discovers or phones home.
 */
public final class Clustering {

  // The cluster managers of the Vert.x instances built here, so that a node finds its own.
  private static final Map<Vertx, ClusterManager> MANAGERS = Collections.synchronizedMap(new WeakHashMap<>());

  private Clustering() {
  }

  /** The cluster manager of a Vert.x built by {@link #vertx}, or null. */
  public static ClusterManager managerOf(Vertx vertx) {
    return MANAGERS.get(vertx);
  }

  /** Vert.x options shared by both modes (native transport preference). */
  public static VertxOptions options(AsockioConfig config) {
    return new VertxOptions().setPreferNativeTransport(config.nativeTransport());
  }

  /** A Vert.x for this config: clustered when {@code cluster.enabled}. */
  public static Future<Vertx> vertx(AsockioConfig config) {
    ClusterConfig cluster = config.cluster();
    if (!cluster.enabled()) {
      return Future.succeededFuture(Vertx.builder().with(options(config)).build());
    }
    VertxOptions options = options(config).setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host()).setClusterPublicHost(cluster.host()).setPort(0));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(cluster));
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .onSuccess(vertx -> MANAGERS.put(vertx, manager));
  }

  /** The Hazelcast configuration: binds and announces only {@code cluster.host}, joins only the listed members. */
  public static Config hazelcast(ClusterConfig cluster) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cluster.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.logging.type", "jdk");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(cluster.memberTimeoutSeconds()));
    hz.getMetricsConfig().setEnabled(false);
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return hz;
  }
}
