package dev.container.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory as a {@link Storage}: the contract, and the files where they always were. */
class FileStorageTest extends StorageContract {
    @TempDir
    Path state;
    private FileStorage storage;

    @BeforeEach
    void open() {
        storage = new FileStorage(state);
    }

    @Override
    Storage storage() {
        return storage;
    }

    @Test
    void a_name_is_the_path_under_the_state_directory_so_files_written_before_are_read() throws Exception {
        Path old = state.resolve("acme/acme-v02.api.letsencrypt.org-directory/account.key");
        Files.createDirectories(old.getParent());
        Files.writeString(old, "written by an earlier version");
        assertThat(storage.get("acme/acme-v02.api.letsencrypt.org-directory/account.key"))
                .hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("written by an earlier version"));
        storage.put("acme/ca/certificates/example.com/certificate.pem", "pem".getBytes(StandardCharsets.US_ASCII));
        assertThat(state.resolve("acme/ca/certificates/example.com/certificate.pem")).hasContent("pem");
        assertThat(storage.file("acme/ca/account.key")).isEqualTo(state.resolve("acme/ca/account.key"));
    }

    @Test
    void secrets_are_readable_by_their_owner_only() throws Exception {
        storage.putSecret("acme/ca/account.key", "key".getBytes(StandardCharsets.US_ASCII));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("acme/ca/account.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void list_leaves_out_temporary_files_lock_files_and_directories() throws Exception {
        storage.put("a/b", new byte[] {1});
        Files.writeString(state.resolve("a/.b123.tmp"), "left by a crash");
        Files.createDirectories(state.resolve("a/empty-dir"));
        try (Storage.Lease lease = storage.tryLock("a/lock").orElseThrow()) {
            assertThat(storage.list("")).extracting(Storage.Item::name).containsExactly("a/b");
        }
    }

    @Test
    void two_storages_of_one_directory_exclude_each_other() throws Exception {
        FileStorage second = new FileStorage(state);
        try (Storage.Lease lease = storage.lock("acme/order", Duration.ofSeconds(1))) {
            assertThat(second.tryLock("acme/order")).isEmpty();
            assertThat(lease.held()).isTrue();
        }
        try (Storage.Lease lease = second.tryLock("acme/order").orElseThrow()) {
            assertThat(storage.tryLock("acme/order")).isEmpty();
        }
    }
}
