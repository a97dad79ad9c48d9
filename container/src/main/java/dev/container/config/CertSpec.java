package dev.container.config;

import java.nio.file.Path;

/** A certificate chain and its private key, PEM files, for the HTTPS listeners. */
public record CertSpec(Path cert, Path key) {
}
