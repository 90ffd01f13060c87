package io.asockio.impl.channel;

import io.asockio.api.CloseCause;
import io.asockio.api.CloseReason;
import io.asockio.codec.FrameEncoder;
import io.asockio.codec.Frames;
import io.asockio.config.Policies;
import io.asockio.impl.core.ClientRecord;
import io.asockio.impl.core.ClientRegistry;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.core.Printable;
import io.asockio.impl.core.Refusal;
import io.asockio.impl.metrics.NodeMetrics;

import java.util.logging.Logger;

/**
 * How a {@link ChannelConnection} leaves its handshake, as its gate's or link's stages decide:
 *
 * <pre>
 *  accepted: admitted ─► "OK", the name bound (a replaced connection closed) ─► open
 *            refuse   ─► "ERR reason" (framed), close      deny ─► close without a word
 *  dialled:  bound    ─► the link's name ─► open ─► the link hears "opened"
 *            failed   ─► the link hears refused or unreachable, the socket is cut
 *  open: the record, the handler and the message limit; then the handler, the node, the offline queue
 * </pre>
 *
 * Event loop only, like the connection.
 */
final class Opening {

  private static final Logger LOG = Logger.getLogger(Opening.class.getName());

  private final ChannelConnection c;

  Opening(ChannelConnection connection) {
    this.c = connection;
  }

  /** The server handshake admitted the keyword: OK goes out, the name is bound, the connection opens. */
  void admitted(ClientRegistry.Admission admission) {
    OutboundQueue out = c.out();
    out.sendFrame(FrameEncoder.frame(out.alloc(), Frames.OK));
    out.flush(); // now: the handler's "output empty" is about its own output, not about OK
    if (admission.replaced() != null) {
      LOG.info(() -> "taken over by " + c.describe());
      admission.replaced().close(new CloseReason(CloseCause.TAKEN_OVER, "by a new connection"));
      c.node.takenOver(c, admission.replaced());
    }
    open(admission.record());
  }

  /** A refusal before the connection opened: one ERR frame (framed), then close. */
  void refuse(Refusal refusal, String text) {
    refuse(refusal, text, null);
  }

  /** Like {@link #refuse(Refusal, String)}, for a peer that said its {@code keyword} (logged, escaped). */
  void refuse(Refusal refusal, String text, String keyword) {
    if (c.state() != ChannelConnection.State.HANDSHAKE) {
      return;
    }
    c.state(ChannelConnection.State.CLOSED); // never opened: nothing to release but the socket
    c.lease.handshakeDone();
    String reason = text == null ? refusal.text() : text;
    ConnectionOrigin origin = c.origin;
    PeerFacts peer = c.peer;
    c.node.refused(refusal, reason, origin.name(), origin.transportName(), peer.remoteAddress(),
        () -> "refused " + (keyword == null ? "peer" : "\"" + Printable.of(keyword) + "\"") + " from " + peer.remoteAddress()
            + " via " + origin.via() + " " + origin.name() + ": " + reason);
    c.stopDecoder();
    OutboundQueue out = c.out();
    if (origin.framed()) {
      out.sendFrame(FrameEncoder.refusal(out.alloc(), reason));
    }
    out.closeAfterWrites();
  }

  /** An anonymous peer an access rule denied: closed without a word (a FIN, not a reset, so that its connect completes cleanly). */
  void deny() {
    c.state(ChannelConnection.State.CLOSED);
    c.out().closeAfterWrites();
  }

  /** A dialled connection was answered OK (or needs no handshake): it takes its link's name. */
  void bindDialled() {
    ClientRegistry.Admission admission = c.node.registry().admit(c.origin.name(), c, Policies.DEFAULTS);
    if (admission.replaced() != null) {
      admission.replaced().close(new CloseReason(CloseCause.TAKEN_OVER, "by a new outgoing connection"));
    }
    open(admission.record());
    if (c.state() == ChannelConnection.State.OPEN) {
      c.dial.opened(c);
    }
  }

  /** A dialled connection's handshake failed (the server refused, or was not reached): the link hears why, the socket closes. */
  void dialRefused(String reason, boolean reached) {
    c.stopDecoder();
    if (reached) {
      c.dial.refused(reason);
    } else {
      c.dial.unreachable(reason);
    }
    if (c.state() != ChannelConnection.State.CLOSED) {
      c.state(ChannelConnection.State.CLOSED);
      c.out().closeNow();
    }
  }

  /** The connection opens as {@code record}'s: its handler is bound and told, then the node, then the offline queue. */
  void open(ClientRecord record) {
    NodeContext node = c.node;
    c.client(record);
    c.state(ChannelConnection.State.OPEN);
    NodeMetrics metrics = node.metrics();
    if (metrics != null) {
      metrics.handshake(c.origin.name(), System.nanoTime() - c.createdNanos);
    }
    HandlerAdapter handler = c.handler;
    handler.bind(node.handlerFor(record, c));
    MessageStage decoder = c.messageStage;
    if (decoder != null) {
      long max = node.config().limits().maxMessageSize();
      long threshold = handler.streamThreshold();
      decoder.limit(threshold >= 0 ? Math.min(threshold, max) : max);
    }
    handler.connected();
    if (c.isOpen()) {
      node.opened(c);
      record.flushOfflineTo(c);
    }
  }
}
