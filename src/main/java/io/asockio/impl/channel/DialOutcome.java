package io.asockio.impl.channel;

import io.asockio.api.CloseReason;

/** What a dialled connection reports to its link: its handshake's outcome, then its end. */
public interface DialOutcome {

  /** The server answered {@code OK} (or the link is raw): the connection is open. */
  void opened(ChannelConnection connection);

  /** The server refused ({@code ERR reason}), answered something else, or closed first. */
  void refused(String reason);

  /** Nobody answered at the server's address (over UDP, ICMP said that no one listens on the port). */
  default void unreachable(String reason) {
    refused(reason);
  }

  /** The open connection ended. */
  void lost(CloseReason reason);

  /** Accepted connections report nothing. */
  DialOutcome NONE = new DialOutcome() {
    @Override
    public void opened(ChannelConnection connection) {
    }

    @Override
    public void refused(String reason) {
    }

    @Override
    public void lost(CloseReason reason) {
    }
  };
}
