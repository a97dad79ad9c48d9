package dev.container.deploy;

import dev.container.deploy.WebDescriptor.AbsoluteOrdering;
import dev.container.deploy.WebDescriptor.Kind;
import dev.container.deploy.WebDescriptor.Ordering;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders the jars of WEB-INF/lib by their web fragments (Servlet 6.0 §8.2.2) and merges the
 * fragments into web.xml (§8.2.3, see {@link FragmentMerge}). Deterministic: where the orderings
 * leave a choice, jars keep the order they were given in (by file name).
 */
final class Fragments {
    private static final Logger log = LoggerFactory.getLogger(Fragments.class);

    // Relative ordering puts each jar in one of three groups, in this order (§8.2.2).
    private static final int BEFORE_OTHERS = 0;
    private static final int OTHERS = 1;
    private static final int AFTER_OTHERS = 2;

    private Fragments() {}

    /**
     * jars: every WEB-INF/lib jar, sorted by file name. Applies {@code <absolute-ordering>} (web.xml,
     * with {@code <others/>}) or else relative {@code <ordering>} ({@code <before>}/{@code <after>},
     * {@code <others/>}) per Servlet 6.0 §8.2.2; merges fragments into the main descriptor per §8.2.3
     * (web.xml wins over fragments; conflicting fragment values are an error). A metadata-complete
     * web.xml is returned unmerged: its fragments are not processed (§8.1), but the jars are still
     * ordered, because the order also governs ServletContainerInitializers.
     */
    static FragmentOrder order(WebDescriptor main, List<FragmentJar> jars) throws DeploymentError {
        if (main.kind() != Kind.WEB_APP) {
            throw new DeploymentError(main.source() + ": root element is <web-fragment>, expected <web-app>");
        }
        Map<String, FragmentJar> byName = byName(jars);
        List<FragmentJar> ordered = main.absoluteOrdering().isPresent()
                ? absolute(main, main.absoluteOrdering().get(), jars, byName)
                : relative(jars, byName);

        Set<Path> excluded = new LinkedHashSet<>();
        for (FragmentJar jar : jars) {
            if (!ordered.contains(jar)) {
                excluded.add(jar.jar());
            }
        }
        List<WebDescriptor> fragments = ordered.stream().flatMap(j -> j.fragment().stream()).toList();
        Set<Path> metadataComplete = ordered.stream()
                .filter(j -> j.fragment().map(WebDescriptor::metadataComplete).orElse(false))
                .map(FragmentJar::jar)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        WebDescriptor merged = main.metadataComplete() ? main : FragmentMerge.merge(main, fragments);
        return new FragmentOrder(ordered.stream().map(FragmentJar::jar).toList(), excluded, metadataComplete, merged);
    }

    /** Named fragments by name; a name used twice is an error (§8.2.2). */
    private static Map<String, FragmentJar> byName(List<FragmentJar> jars) throws DeploymentError {
        Map<String, FragmentJar> byName = new HashMap<>();
        for (FragmentJar jar : jars) {
            if (jar.fragment().isEmpty()) {
                continue;
            }
            WebDescriptor fragment = jar.fragment().get();
            if (fragment.kind() != Kind.WEB_FRAGMENT) {
                throw new DeploymentError(fragment.source() + ": root element is <web-app>, expected <web-fragment>");
            }
            if (fragment.name().isPresent()) {
                FragmentJar first = byName.putIfAbsent(fragment.name().get(), jar);
                if (first != null) {
                    throw new DeploymentError(fragment.source() + ": web fragment name \"" + fragment.name().get()
                            + "\" is already used by " + first.fragment().get().source()
                            + "; fragment names must be unique (Servlet 6.0 §8.2.2)");
                }
            }
        }
        return byName;
    }

    /**
     * web.xml lists fragment names; {@code <others/>} stands for every other jar, named or not, in
     * jar order. Without it, unlisted jars are excluded. Names no jar has are skipped, as in Tomcat.
     */
    private static List<FragmentJar> absolute(WebDescriptor main, AbsoluteOrdering ordering, List<FragmentJar> jars,
            Map<String, FragmentJar> byName) {
        Set<String> listed = new HashSet<>(ordering.names());
        List<FragmentJar> others = jars.stream()
                .filter(j -> name(j).map(n -> !listed.contains(n)).orElse(true))
                .toList();
        Set<FragmentJar> result = new LinkedHashSet<>();
        for (int i = 0; i <= ordering.names().size(); i++) {
            if (ordering.othersAt().equals(Optional.of(i))) {
                result.addAll(others);
            }
            if (i == ordering.names().size()) {
                break;
            }
            String name = ordering.names().get(i);
            FragmentJar jar = byName.get(name);
            if (jar == null) {
                log.warn("{}: <absolute-ordering> names web fragment \"{}\", which no jar in WEB-INF/lib has",
                        main.source(), name);
            } else {
                result.add(jar);
            }
        }
        return List.copyOf(result);
    }

    /**
     * Relative ordering: a directed graph "a comes before b" from every {@code <before>} and
     * {@code <after>}, plus three groups (before others, others, after others), sorted
     * topologically. Jars without a fragment or without an ordering are plain "others".
     */
    private static List<FragmentJar> relative(List<FragmentJar> jars, Map<String, FragmentJar> byName)
            throws DeploymentError {
        int n = jars.size();
        Map<FragmentJar, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(jars.get(i), i);
        }
        int[] group = new int[n];
        List<Set<Integer>> successors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            successors.add(new LinkedHashSet<>());
        }
        for (int i = 0; i < n; i++) {
            FragmentJar jar = jars.get(i);
            Ordering o = jar.fragment().map(WebDescriptor::ordering).orElse(Ordering.NONE);
            if (o.beforeOthers() && o.afterOthers()) {
                throw new DeploymentError(jar.fragment().get().source()
                        + ": <ordering> puts the fragment both before and after <others/>");
            }
            group[i] = o.beforeOthers() ? BEFORE_OTHERS : o.afterOthers() ? AFTER_OTHERS : OTHERS;
            // Names of fragments that are not there are ignored (§8.2.2 orders what is present).
            for (String name : o.before()) {
                Integer j = index.get(byName.get(name));
                if (j != null && j != i) {
                    successors.get(i).add(j);
                }
            }
            for (String name : o.after()) {
                Integer j = index.get(byName.get(name));
                if (j != null && j != i) {
                    successors.get(j).add(i);
                }
            }
        }
        spreadGroups(jars, group, successors);
        return topologicalOrder(jars, group, successors);
    }

    /**
     * Whatever must precede a before-others fragment is itself before the others, and whatever must
     * follow an after-others fragment is after them (§8.2.2's examples; Tomcat does the same). Then
     * every edge goes from a group to the same or a later one, which makes the sort below valid.
     */
    private static void spreadGroups(List<FragmentJar> jars, int[] group, List<Set<Integer>> successors)
            throws DeploymentError {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < group.length; i++) {
                for (int j : successors.get(i)) {
                    if (group[i] == AFTER_OTHERS && group[j] == BEFORE_OTHERS) {
                        throw new DeploymentError("circular web fragment ordering: " + describe(jars.get(i))
                                + " must come before " + describe(jars.get(j)) + ", but it is after <others/> and "
                                + describe(jars.get(j)) + " is before them");
                    }
                    if (group[j] == BEFORE_OTHERS && group[i] != BEFORE_OTHERS) {
                        group[i] = BEFORE_OTHERS;
                        changed = true;
                    }
                    if (group[i] == AFTER_OTHERS && group[j] != AFTER_OTHERS) {
                        group[j] = AFTER_OTHERS;
                        changed = true;
                    }
                }
            }
        }
    }

    /** Kahn's algorithm, always taking the ready jar of the earliest group, then the earliest jar. */
    private static List<FragmentJar> topologicalOrder(List<FragmentJar> jars, int[] group,
            List<Set<Integer>> successors) throws DeploymentError {
        int n = jars.size();
        int[] incoming = new int[n];
        for (Set<Integer> next : successors) {
            for (int j : next) {
                incoming[j]++;
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>(
                Comparator.<Integer>comparingInt(i -> group[i]).thenComparingInt(i -> i));
        for (int i = 0; i < n; i++) {
            if (incoming[i] == 0) {
                ready.add(i);
            }
        }
        List<FragmentJar> result = new ArrayList<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            result.add(jars.get(i));
            for (int j : successors.get(i)) {
                if (--incoming[j] == 0) {
                    ready.add(j);
                }
            }
        }
        if (result.size() < n) {
            throw new DeploymentError("circular web fragment ordering: " + cycle(jars, incoming, successors));
        }
        return result;
    }

    /**
     * A cycle among the jars the sort could not place, as "a" (a.jar) -> "b" (b.jar) -> "a" (a.jar).
     * Each such jar still waits for another such jar, so walking back through waiting predecessors
     * must come round to a jar already seen.
     */
    private static String cycle(List<FragmentJar> jars, int[] incoming, List<Set<Integer>> successors) {
        Map<Integer, Integer> waitingPredecessor = new HashMap<>();
        for (int i = 0; i < jars.size(); i++) {
            for (int j : successors.get(i)) {
                if (incoming[i] > 0 && incoming[j] > 0) {
                    waitingPredecessor.putIfAbsent(j, i);
                }
            }
        }
        int start = Collections.min(waitingPredecessor.keySet());
        Map<Integer, Integer> seenAt = new LinkedHashMap<>();
        List<Integer> path = new ArrayList<>();
        int at = start;
        while (!seenAt.containsKey(at)) {
            seenAt.put(at, path.size());
            path.add(at);
            at = waitingPredecessor.get(at);
        }
        // path walks backwards (each step to a jar that must come earlier); print it forwards,
        // starting from its first jar.
        List<Integer> loop = new ArrayList<>(path.subList(seenAt.get(at), path.size()));
        Collections.reverse(loop);
        Collections.rotate(loop, -loop.indexOf(Collections.min(loop)));
        loop.add(loop.get(0));
        return loop.stream().map(i -> describe(jars.get(i))).collect(Collectors.joining(" -> "));
    }

    private static Optional<String> name(FragmentJar jar) {
        return jar.fragment().flatMap(WebDescriptor::name);
    }

    /** "name" (file.jar), or just file.jar for an unnamed fragment. */
    private static String describe(FragmentJar jar) {
        String file = String.valueOf(jar.jar().getFileName());
        return name(jar).map(n -> "\"" + n + "\" (" + file + ")").orElse(file);
    }
}
