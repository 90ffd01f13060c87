package io.asockio.impl.channel;

import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;

import java.net.SocketAddress;

/**
 * A Netty channel asockio implements itself, with no file descriptor of its own (a UDP peer,
 * a child process), so that it gets the pipeline of any connection: open until closed,
 * active once registered, a default config, nothing to bind or connect. Subclasses read,
 * write and close; their pipeline ends in {@link ChannelEnd}.
 */
public abstract class VirtualChannel extends AbstractChannel {

  private static final ChannelMetadata METADATA = new ChannelMetadata(false);

  private final ChannelConfig config = new DefaultChannelConfig(this);
  private final String what;
  private volatile boolean open = true;
  private volatile boolean registered;

  /** @param what what it is, for errors (e.g. {@code "a UDP peer"}) */
  protected VirtualChannel(Channel parent, String what) {
    super(parent);
    this.what = what;
  }

  /** Marks it closed; true the first time only. */
  protected final boolean markClosed() {
    boolean was = open;
    open = false;
    return was;
  }

  @Override
  protected void doRegister() {
    registered = true;
  }

  @Override
  protected void doBind(SocketAddress localAddress) {
    throw new UnsupportedOperationException(what + " has no address of its own to bind");
  }

  @Override
  protected void doDisconnect() throws Exception {
    doClose();
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new AbstractUnsafe() {
      @Override
      public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
        safeSetFailure(promise, new UnsupportedOperationException(what + " is made by asockio, not connected"));
      }
    };
  }

  @Override
  public ChannelConfig config() {
    return config;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isActive() {
    return open && registered;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }
}
