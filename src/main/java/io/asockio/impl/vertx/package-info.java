/**
 * The only place where asockio touches Vert.x internal APIs, in as few calls as possible:
 * the Netty pipeline under a Vert.x socket, running a callback inside a Vert.x context,
 * {@code Buffer} over Netty {@code ByteBuf} (both ways), and a Vert.x context on an event loop
 * that a polling thread drives itself. Everything else uses Vert.x's
 * public API. A build against the newest Vert.x 5.x (the {@code vertx-next} Maven profile)
 * checks that these calls still exist.
 */
package io.asockio.impl.vertx;
