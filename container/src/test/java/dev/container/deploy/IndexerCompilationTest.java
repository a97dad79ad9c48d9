package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class IndexerCompilationTest {
    @Test
    void the_class_indexer_is_kept_out_of_c2_once_an_app_is_indexed() throws Exception {
        IndexerCompilation.keepOutOfC2();
        IndexerCompilation.keepOutOfC2(); // once per JVM: a second call adds nothing

        String directives = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        assertThat(directives).containsOnlyOnce("matching: org/jboss/jandex/*.*");
        String jandex = directives.substring(directives.indexOf("matching: org/jboss/jandex/*.*"));
        assertThat(jandex.substring(jandex.indexOf("c2 directives:"))).contains("Exclude:true");
    }
}
