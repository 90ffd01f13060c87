package io.asockio.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * What the server does with unknown keywords and with a name that is already connected.
 *
 * @param unexpected {@code accept}: an unknown keyword is accepted and its client shows up as
 *                   unexpected; {@code refuse}: it gets {@code ERR unknown keyword}
 * @param takeover   {@code replace}: a second connection with a connected name closes the old
 *                   one and takes its client id; {@code refuse}: the newcomer gets
 *                   {@code ERR name already connected}
 */
public record Policies(Unexpected unexpected, Takeover takeover) {

  public enum Unexpected { ACCEPT, REFUSE }

  public enum Takeover { REPLACE, REFUSE }

  public static final Policies DEFAULTS = new Policies(Unexpected.ACCEPT, Takeover.REPLACE);

  static final Set<String> KEYS = Set.of("unexpected", "takeover");

  static Policies fromJson(JsonObject json, String path) {
    JsonFields f = new JsonFields(json, path);
    f.rejectUnknown(KEYS);
    return new Policies(f.enumValue("unexpected", Unexpected.class, DEFAULTS.unexpected()),
        f.enumValue("takeover", Takeover.class, DEFAULTS.takeover()));
  }

  public JsonObject toJson() {
    return new JsonObject().put("unexpected", unexpected.name().toLowerCase()).put("takeover", takeover.name().toLowerCase());
  }
}
