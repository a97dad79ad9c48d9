package dev.container.acme;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The nodes of a cluster as ACME needs them: this node's id, and the ids of the nodes alive now
 * (their heartbeat rows; the supplier throws a {@code StorageException} when the database cannot
 * be read). Given to {@link CertificateManager#inCluster}.
 */
public record ClusterNodes(String self, Supplier<Set<String>> alive) {
}
