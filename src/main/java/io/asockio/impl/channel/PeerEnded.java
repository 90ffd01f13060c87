package io.asockio.impl.channel;

import io.asockio.api.CloseReason;

/**
 * A user event a channel fires when it knows why its peer is gone (a child process exited
 * with a code): the connection closes with {@code reason} instead of a plain "closed by peer".
 */
public record PeerEnded(CloseReason reason) {
}
