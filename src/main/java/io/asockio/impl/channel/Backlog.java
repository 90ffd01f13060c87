package io.asockio.impl.channel;

import io.asockio.api.SendException;
import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * What waits in an {@link OutboundQueue} behind the socket, in order: lazy and streamed
 * senders, and the writes made while one of them is in front. Only the head writes; it
 * moves while the channel is writable and the connection open. Event loop only.
 */
final class Backlog {

  private final OutboundQueue out;
  private final OutboundOwner owner;
  private ArrayDeque<BacklogEntry> entries; // made on first use: most connections never queue here
  private long bufferedBytes;

  Backlog(OutboundQueue out, OutboundOwner owner) {
    this.out = out;
    this.owner = owner;
  }

  boolean isEmpty() {
    return entries == null || entries.isEmpty();
  }

  private ArrayDeque<BacklogEntry> entries() {
    if (entries == null) {
      entries = new ArrayDeque<>(2);
    }
    return entries;
  }

  private BacklogEntry head() {
    return entries == null ? null : entries.peek();
  }

  /** Bytes the entries hold that count as queued output. */
  long bufferedBytes() {
    return bufferedBytes;
  }

  /** Holds {@code bytes} (a reference of our own) behind the entries in front; released if dropped. */
  void addWrite(ByteBuf bytes) {
    bufferedBytes += bytes.readableBytes();
    entries().add(new BufferedWrite(bytes));
  }

  /** Puts a lazy or streamed sender at the end and starts moving. */
  void add(BacklogEntry entry) {
    entries().add(entry);
    pump();
  }

  /** Moves the entries to the socket while it is writable; called on writability and on new entries. */
  void pump() {
    while (!isEmpty() && out.isWritable() && owner.isOpen()) {
      BacklogEntry head = entries.peek();
      BacklogEntry.Progress progress = head.pump(out);
      if (progress == BacklogEntry.Progress.DONE) {
        removeHead(head);
      } else if (progress == BacklogEntry.Progress.SELF_DRIVEN) {
        return; // it calls entryDone when it ends; everything else waits behind it
      }
    }
    out.backlogMoved();
  }

  /** A self-driven entry at the head finished: the rest may move. */
  void entryDone(BacklogEntry entry) {
    if (head() == entry) {
      removeHead(entry);
      pump();
    }
  }

  /** Whether {@code entry} is at the head (the one allowed to write) and the connection open. */
  boolean isHead(BacklogEntry entry) {
    return head() == entry && owner.isOpen();
  }

  /** A streamed send at the head failed: the connection closes, the peer would be left mid-frame. */
  void streamFailed(BacklogEntry entry, String reason) {
    if (entry != null && head() == entry) {
      entries.poll();
    }
    owner.onStreamSendFailed(reason);
  }

  /** The connection is closing: fails and releases every entry. */
  void failAll(Supplier<SendException> cause) {
    while (!isEmpty()) {
      entries.poll().fail(cause.get());
    }
    bufferedBytes = 0;
  }

  private void removeHead(BacklogEntry head) {
    entries.poll();
    bufferedBytes -= head.bufferedBytes();
  }
}
