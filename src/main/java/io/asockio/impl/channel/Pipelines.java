package io.asockio.impl.channel;

import io.asockio.config.GateConfig;
import io.asockio.impl.core.GateGuard;
import io.asockio.impl.core.GuardLease;
import io.asockio.impl.core.NodeContext;
import io.asockio.impl.core.Refusal;
import io.asockio.security.AccessRules;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Context;

import java.util.concurrent.TimeUnit;

/**
 * Installs a connection's stages in its channel's pipeline, in front of Vert.x's handler
 * (where Vert.x documents that handlers may go), in the socket's connect callback so that no
 * byte arrives before them:
 *
 * <pre>
 *  accepted, framed: [idle] OutboundQueue FrameDecoderStage ServerHandshake ConnectionStage | Vert.x → ChannelEnd
 *  accepted, raw:    [idle] OutboundQueue                                   ConnectionStage | Vert.x → ChannelEnd
 *  dialled, framed:         OutboundQueue FrameDecoderStage ClientHandshake ConnectionStage | Vert.x
 *  dialled, raw:            OutboundQueue                                   ConnectionStage | Vert.x
 *  child process, framed:   OutboundQueue FrameDecoderStage                 ConnectionStage | ChannelEnd
 * </pre>
 *
 * A UDP peer's pipeline (on its {@code DatagramPeerChannel}) has {@link DatagramStage} where a
 * byte stream has {@link FrameDecoderStage}; it and a child process's {@code ProcessChannel} end
 * in {@link ChannelEnd} instead of Vert.x's handler. On an accepted socket the gate then puts
 * {@link ChannelEnd} in the place of Vert.x's handler (unless Vert.x meters its connections),
 * which lets Vert.x's socket object go.
 */
public final class Pipelines {

  static final String IDLE_STAGE = "asockio-idle";

  private Pipelines() {
  }

  /**
   * An accepted connection: the gate's bounds first (a refused peer costs one check, one
   * answer and one close), then the handshake (framed) or the access rules and the open
   * connection at once (raw).
   */
  public static ChannelConnection accept(NodeContext node, GateConfig gate, int instance, ChannelPipeline pipeline,
                                         String before, Context context, PeerFacts peer) {
    ConnectionOrigin origin = ConnectionOrigin.gate(gate);
    GateGuard guard = node.guard(gate.name(), gate.limits());
    Refusal overLimit = guard.tryAccept(peer.addressKey(), origin.framed());
    GuardLease lease = overLimit == null ? new GuardLease(guard, peer.addressKey(), origin.framed()) : GuardLease.NONE;
    ChannelConnection c = new ChannelConnection(node, origin, instance, pipeline.channel(), context, peer, lease, DialOutcome.NONE);
    allowHalfClosure(pipeline);
    // A UDP peer's silence is swept by its socket's handler (DatagramSocketHandler), without a handler per peer.
    if (origin.idleTimeoutMs() > 0 && overLimit == null && !origin.datagram()) {
      pipeline.addBefore(before, IDLE_STAGE, new IdleStateHandler(0, 0, origin.idleTimeoutMs(), TimeUnit.MILLISECONDS));
    }
    pipeline.addBefore(before, OutboundQueue.NAME, c.out());
    if (overLimit != null) {
      c.opening.refuse(overLimit, null);
      return c;
    }
    if (origin.framed()) {
      addMessageStage(node, origin, pipeline, before, c);
      pipeline.addBefore(before, ServerHandshake.NAME, new ServerHandshake(c, node, peer, lease));
    }
    pipeline.addBefore(before, ConnectionStage.NAME, new ConnectionStage(c));
    if (!origin.framed()) {
      c.out().readInto(c::onInbound); // ConnectionStage is next: its only part in a read
      AccessRules.Decision decision = node.access().decide(peer.peer(null, origin.transportName(), origin.name()));
      if (decision.allowed()) {
        c.opening.open(node.registry().anonymous(c));
      } else {
        node.denied(null, decision, origin.name(), peer.remoteAddress(), peer.certificateCn());
        c.opening.deny();
      }
    }
    return c;
  }

  /**
   * A dialled connection (client role): it sends {@code keyword} (framed links) and waits
   * for the answer, then takes its link's name. With no keyword (a child process, which its
   * parent named) a framed connection opens at once.
   */
  public static ChannelConnection dial(NodeContext node, ConnectionOrigin origin, ChannelPipeline pipeline, String before,
                                       Context context, PeerFacts peer, byte[] keyword, DialOutcome outcome) {
    ChannelConnection c = new ChannelConnection(node, origin, 0, pipeline.channel(), context, peer, GuardLease.NONE, outcome);
    allowHalfClosure(pipeline);
    pipeline.addBefore(before, OutboundQueue.NAME, c.out());
    boolean handshake = origin.framed() && keyword != null;
    if (origin.framed()) {
      addMessageStage(node, origin, pipeline, before, c);
    }
    if (handshake) {
      pipeline.addBefore(before, ClientHandshake.NAME, new ClientHandshake(c, keyword, node.config().limits().handshakeTimeoutMs(),
          origin.datagram()));
    }
    pipeline.addBefore(before, ConnectionStage.NAME, new ConnectionStage(c));
    if (!origin.framed()) {
      c.out().readInto(c::onInbound);
    }
    if (!handshake) {
      c.opening.bindDialled();
    }
    return c;
  }

  // Frames on a byte stream, datagrams over UDP; up to the keyword's length until the connection opens.
  private static void addMessageStage(NodeContext node, ConnectionOrigin origin, ChannelPipeline pipeline, String before,
                                      ChannelConnection c) {
    long keywordLimit = node.config().limits().maxKeywordLength();
    if (origin.datagram()) {
      DatagramStage stage = new DatagramStage(keywordLimit);
      c.messageStage = stage;
      pipeline.addBefore(before, DatagramStage.NAME, stage);
    } else {
      FrameDecoderStage stage = new FrameDecoderStage(keywordLimit, pipeline.channel().alloc(), c.heldInputClaim());
      c.messageStage = stage;
      pipeline.addBefore(before, FrameDecoderStage.NAME, stage);
    }
  }

  // A peer that shuts down its output still gets what it asked for: the end of its input is an
  // event (ConnectionStage), and the connection closes once its output went out.
  private static void allowHalfClosure(ChannelPipeline pipeline) {
    pipeline.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    // Streams and lazy senders pause above the high mark and go on below the low one. Netty's
    // 32/64 KiB makes a stream of 64 KiB reads pause and resume (two epoll_ctl calls) at every read;
    // a streamed 2 GiB echo measured 0.6x raw Netty at 32/64 and 64/128 KiB, 0.8x at 256/512 KiB,
    // 0.98x at 512 KiB/1 MiB and 0.93x at 1/2 MiB (docs/PERFORMANCE.md).
    pipeline.channel().config().setWriteBufferWaterMark(WATER_MARK);
  }

  /** When a connection's output counts as full for streams and lazy senders (not the send cap, maxQueuedOutputBytes). */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);
}
