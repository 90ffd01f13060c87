package io.asockio.impl.channel;

import io.asockio.impl.core.ClientRegistry;
import io.asockio.impl.core.GuardLease;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.core.Refusal;
import io.asockio.security.AccessRules;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The accepting side of the handshake (PROTOCOL.md §2, §3): the first message is the
 * peer's keyword, decided before anything is answered.
 *
 * <pre>
 *  keyword ─► not empty, valid UTF-8 ─► access rules ─► registry admission ─► "OK", removes itself
 *     any refusal, an oversized keyword frame, the handshake timeout, idleness ─► "ERR reason", close
 * </pre>
 *
 * Messages behind the keyword in the same read pass on to the open connection once this
 * stage has removed itself (Netty's negotiation handlers work the same way).
 */
final class ServerHandshake extends ChannelInboundHandlerAdapter {

  static final String NAME = "asockio-handshake";

  private final ChannelConnection connection;
  private final NodeContext node;
  private final PeerFacts peer;
  private final GuardLease lease;
  private ScheduledFuture<?> timer;
  private boolean decided;

  ServerHandshake(ChannelConnection connection, NodeContext node, PeerFacts peer, GuardLease lease) {
    this.connection = connection;
    this.node = node;
    this.peer = peer;
    this.lease = lease;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    long timeoutMs = node.config().limits().handshakeTimeoutMs();
    timer = ctx.executor().schedule(() -> connection.inContext(() -> refuse(Refusal.HANDSHAKE_TIMEOUT, null)),
        timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timer.cancel(false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (decided) {
      ReferenceCountUtil.release(msg); // refused: nothing more is read
      return;
    }
    if (msg instanceof FrameEvents.OversizedFrame) {
      refuse(Refusal.KEYWORD_TOO_LONG, null); // not streamed: the decoder stops without reading it
      return;
    }
    if (!(msg instanceof ByteBuf)) {
      return;
    }
    ByteBuf keyword = (ByteBuf) msg;
    try {
      onKeyword(ctx, keyword);
    } finally {
      keyword.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      refuse(Refusal.IDLE_TIMEOUT, null);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void onKeyword(ChannelHandlerContext ctx, ByteBuf keyword) {
    if (!keyword.isReadable()) {
      refuse(Refusal.EMPTY_KEYWORD, null);
      return;
    }
    String name = Keywords.decode(keyword);
    if (name == null) {
      refuse(Refusal.KEYWORD_NOT_UTF8, null);
      return;
    }
    AccessRules.Decision decision = node.access().decide(peer.peer(name, connection.transportName(), connection.gateName()));
    if (!decision.allowed()) {
      node.denied(name, decision, connection.gateName(), peer.remoteAddress(), peer.certificateCn());
      refuse(Refusal.ACCESS_DENIED, decision.reason(), name);
      return;
    }
    ClientRegistry.Admission admission = node.registry().admit(name, connection, node.config().policies());
    if (!admission.accepted()) {
      refuse(admission.refusal(), null, name);
      return;
    }
    decided = true;
    lease.handshakeDone();
    ctx.pipeline().remove(this);
    connection.opening.admitted(admission);
  }

  private void refuse(Refusal refusal, String text) {
    refuse(refusal, text, null);
  }

  private void refuse(Refusal refusal, String text, String keyword) {
    if (decided) {
      return;
    }
    decided = true;
    timer.cancel(false);
    lease.handshakeDone();
    connection.opening.refuse(refusal, text, keyword);
  }
}
