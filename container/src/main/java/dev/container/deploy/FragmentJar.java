package dev.container.deploy;

import java.nio.file.Path;
import java.util.Optional;

/** A jar in WEB-INF/lib and its parsed META-INF/web-fragment.xml, if it has one. */
record FragmentJar(Path jar, Optional<WebDescriptor> fragment) {}
