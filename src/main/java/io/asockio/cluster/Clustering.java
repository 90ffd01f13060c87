package io.asockio.cluster;

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

/**
 * Builds the Vert.x instance a config asks for: plain, or clustered with Hazelcast set up so
 * that it binds only to {@code cluster.host}, joins only the listed members over TCP/IP, and
 * never multicasts, auto-discovers or phones home.
 */
public final class Clustering {

  private Clustering() {
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
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(cluster))).buildClustered();
  }

  /** The Hazelcast configuration: safe, loopback-friendly defaults (see STACK-NOTES in the design docs). */
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
