package dev.container.deploy;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The outcome of {@link Fragments#order}: the WEB-INF/lib jars in the order their fragments,
 * ServletContainerInitializers and annotations apply (§8.2.2), the jars an absolute ordering left
 * out (not scanned, their initializers not run, §8.2.4), the ordered jars whose fragment is
 * metadata-complete (not scanned for annotations), and web.xml merged with the fragments.
 * The sets iterate in jar order.
 */
record FragmentOrder(List<Path> orderedJars, Set<Path> excludedJars, Set<Path> metadataCompleteJars,
        WebDescriptor merged) {
    FragmentOrder {
        orderedJars = List.copyOf(orderedJars);
        excludedJars = Collections.unmodifiableSet(new LinkedHashSet<>(excludedJars));
        metadataCompleteJars = Collections.unmodifiableSet(new LinkedHashSet<>(metadataCompleteJars));
    }
}
