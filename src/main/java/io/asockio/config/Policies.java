package io.asockio.config;

import io.vertx.core.json.JsonObject;

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

  static final Key<Unexpected> UNEXPECTED = Key.enumeration("unexpected", Unexpected.class, Unexpected.ACCEPT);
  static final Key<Takeover> TAKEOVER = Key.enumeration("takeover", Takeover.class, Takeover.REPLACE);

  static final Section<Policies> SECTION = new Section<Policies>()
      .add(UNEXPECTED, Policies::unexpected)
      .add(TAKEOVER, Policies::takeover);

  static Policies fromJson(JsonObject json, String path) {
    JsonFields f = SECTION.fields(json, path);
    return new Policies(f.read(UNEXPECTED), f.read(TAKEOVER));
  }

  public JsonObject toJson() {
    return SECTION.toJson(this);
  }
}
