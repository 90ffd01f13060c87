package io.asockio.api;

/**
 * A snapshot of one client.
 *
 * @param id            stable id (kept across reconnects for declared names)
 * @param name          keyword, or generated name of an anonymous client
 * @param kind          expected, unexpected or anonymous
 * @param connected     whether a connection serves it now
 * @param gate          gate of the current connection, or null
 * @param transport     {@code tcp}, {@code tls} or {@code unix}, or null
 * @param remoteAddress peer address of the current connection, or null
 * @param instance      index of the gate verticle instance owning the connection, or -1
 */
public record ClientInfo(long id, String name, ClientKind kind, boolean connected, String gate, String transport,
                         String remoteAddress, int instance) {
}
