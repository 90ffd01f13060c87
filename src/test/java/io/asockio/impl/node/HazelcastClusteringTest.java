package io.asockio.impl.node;

import com.hazelcast.config.Config;
import io.asockio.config.AsockioConfig;
import io.asockio.config.ClusterConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster keys as Hazelcast gets them, without starting a cluster. */
class HazelcastClusteringTest {

  static ClusterConfig cluster(JsonObject json) {
    return AsockioConfig.fromJson(new JsonObject("{\"gates\": [{\"name\": \"t\", \"port\": 0}]}").put("cluster", json)).cluster();
  }

  @Test
  void loopbackByDefaultNothingDiscoveredNothingAnnounced() {
    Config hz = HazelcastClustering.config(ClusterConfig.DEFAULTS);
    assertEquals("false", hz.getProperty("hazelcast.socket.bind.any"));
    assertTrue(hz.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals(List.of("127.0.0.1"), List.copyOf(hz.getNetworkConfig().getInterfaces().getInterfaces()));
    assertFalse(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertFalse(hz.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled());
    assertEquals("false", hz.getProperty("hazelcast.phone.home.enabled"));
    assertNull(hz.getNetworkConfig().getPublicAddress());
  }

  @Test
  void inAContainerItBindsEveryInterfaceAndAnnouncesItsPublicName() {
    ClusterConfig cluster = cluster(new JsonObject().put("enabled", true).put("host", "0.0.0.0").put("port", 5701)
        .put("publicHost", "asockio-1.asockio-headless").put("publicPort", 15701)
        .put("members", new io.vertx.core.json.JsonArray().add("asockio-0.asockio-headless:5701")));
    Config hz = HazelcastClustering.config(cluster);
    assertEquals("true", hz.getProperty("hazelcast.socket.bind.any"));
    assertFalse(hz.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals("asockio-1.asockio-headless:15701", hz.getNetworkConfig().getPublicAddress());
    assertEquals(List.of("asockio-0.asockio-headless:5701"), hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals("0.0.0.0", cluster.effectiveEventBusHost(), "the event bus binds where Hazelcast does unless told");
  }
}
