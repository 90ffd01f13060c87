package io.asockio.impl.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.internal.util.ConcurrencyUtil;
import io.asockio.config.ClusterConfig;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hazelcast set up so that it binds only to {@code cluster.host} (every interface only when
 * that says {@code 0.0.0.0}), announces {@code cluster.publicHost} when given, joins only the
 * listed members over TCP/IP, and never multicasts, auto-discovers or phones home. Loaded only
 * when clustering is on.
 */
final class HazelcastClustering {

  // Held strongly: JUL forgets the level of a logger nobody references.
  private static final Logger HAZELCAST_LOGGER = Logger.getLogger("com.hazelcast");
  private static final AtomicBoolean CALLBACKS_POOLED = new AtomicBoolean();
  /** Members answer heartbeats this often. */
  static final String HEARTBEAT_SECONDS = "1";

  private HazelcastClustering() {
  }

  static ClusterManager manager(ClusterConfig cluster) {
    quietLogging();
    poolCallbacksWhereTheCommonPoolIsOneThread();
    return new HazelcastClusterManager(config(cluster));
  }

  /**
   * Hazelcast completes the callbacks of its async calls (every directory write and read) on the
   * common ForkJoinPool, but where that pool has a single thread (machines of up to two CPUs, and
   * containers limited to them) it starts a new thread for each callback: 15,000 threads a minute
   * on a node taking a burst of connections. There its callbacks go to two pooled threads instead.
   * The executor is Hazelcast's for the whole JVM; an internal setter, so Hazelcast's version is
   * the BOM's, and a bigger machine keeps its default.
   */
  static void poolCallbacksWhereTheCommonPoolIsOneThread() {
    if (ForkJoinPool.getCommonPoolParallelism() > 1 || !CALLBACKS_POOLED.compareAndSet(false, true)) {
      return;
    }
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
      Thread thread = new Thread(task, "asockio-hazelcast-callback-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    pool.allowCoreThreadTimeOut(true); // none left behind when the cluster is idle or gone
    ConcurrencyUtil.setDefaultAsyncExecutor(pool);
  }

  /** The Hazelcast configuration for {@code cluster}. */
  static Config config(ClusterConfig cluster) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cluster.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.socket.bind.any", Boolean.toString(cluster.bindsAnyAddress()));
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.logging.type", "jdk");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", HEARTBEAT_SECONDS);
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(cluster.memberTimeoutSeconds()));
    hz.getMetricsConfig().setEnabled(false);
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    if (!cluster.bindsAnyAddress()) {
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    }
    if (cluster.publicHost() != null) {
      network.setPublicAddress(cluster.publicHost() + (cluster.publicPort() > 0 ? ":" + cluster.publicPort() : ""));
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return hz;
  }

  // Hazelcast's start banner and hints are INFO lines: quiet unless the user set a level for it.
  private static void quietLogging() {
    if (HAZELCAST_LOGGER.getLevel() == null) {
      HAZELCAST_LOGGER.setLevel(Level.WARNING);
    }
  }
}
