package io.asockio.api;

import java.util.Set;

/**
 * What happened since the previous {@link IoCore#ioIteration}: five sets of client ids.
 *
 * @param newlyConnectedExpectedClients  declared names (and outgoing links) that connected
 * @param newlyConnectedUnknownClients   unexpected names and anonymous raw clients that connected
 * @param clientsWithDisconnectedConnection clients whose connection was lost or closed
 * @param clientsHaveDataToRead          clients with unread messages (take them with {@link IoCore#readMessages})
 * @param clientsWithEmptyOutputFifo     clients whose queued output was all handed to the kernel
 */
public record IoIterationResult(Set<Long> newlyConnectedExpectedClients, Set<Long> newlyConnectedUnknownClients,
                                Set<Long> clientsWithDisconnectedConnection, Set<Long> clientsHaveDataToRead,
                                Set<Long> clientsWithEmptyOutputFifo) {

  /** Copies the sets given (those {@code ioIteration} hands over are read-only already, and kept as they are). */
  public IoIterationResult {
    newlyConnectedExpectedClients = readOnly(newlyConnectedExpectedClients);
    newlyConnectedUnknownClients = readOnly(newlyConnectedUnknownClients);
    clientsWithDisconnectedConnection = readOnly(clientsWithDisconnectedConnection);
    clientsHaveDataToRead = readOnly(clientsHaveDataToRead);
    clientsWithEmptyOutputFifo = readOnly(clientsWithEmptyOutputFifo);
  }

  private static Set<Long> readOnly(Set<Long> ids) {
    return ids instanceof TakenIds ? ids : Set.copyOf(ids);
  }

  /** Whether nothing happened. */
  public boolean isEmpty() {
    return newlyConnectedExpectedClients.isEmpty() && newlyConnectedUnknownClients.isEmpty()
        && clientsWithDisconnectedConnection.isEmpty() && clientsHaveDataToRead.isEmpty()
        && clientsWithEmptyOutputFifo.isEmpty();
  }
}
