package dev.autocert.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFilesTest {

    @TempDir
    Path tmp;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesAndReplaces() throws IOException {
        Path target = tmp.resolve("a/b/file.txt");
        AtomicFiles.write(target, bytes("old"), false);
        AtomicFiles.write(target, bytes("new"), true);
        assertThat(Files.readString(target)).isEqualTo("new");
        FileStoreTest.assertNoTempFiles(tmp);
    }

    @Test
    void secretModeAppliesToAReplacedFile() throws IOException {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path target = tmp.resolve("key.pem");
        AtomicFiles.write(target, bytes("public"), false);
        assertThat(FileStoreTest.mode(target)).isEqualTo("rw-r--r--");
        AtomicFiles.write(target, bytes("secret"), true);
        assertThat(FileStoreTest.mode(target)).isEqualTo("rw-------");
    }

    /** Without privileges, a read-only folder stops the write; the old file must survive. */
    @Test
    void readOnlyFolderFailsAndKeepsOldFile() throws IOException {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Path target = dir.resolve("file.txt");
        Files.writeString(target, "old");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeTrue(!canWriteInto(dir), "running with privileges that ignore folder modes (e.g. root)");
            assertThatThrownBy(() -> AtomicFiles.write(target, bytes("new"), false)).isInstanceOf(IOException.class);
            assertThat(Files.readString(target)).isEqualTo("old");
            FileStoreTest.assertNoTempFiles(dir);
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Works for root too: the folder cannot be created because a regular file is in its place. */
    @Test
    void parentIsARegularFile() throws IOException {
        Path notADir = Files.writeString(tmp.resolve("store"), "I am a file");
        assertThatThrownBy(() -> AtomicFiles.write(notADir.resolve("file.txt"), bytes("new"), true))
                .isInstanceOf(IOException.class);
        assertThat(Files.readString(notADir)).isEqualTo("I am a file");
    }

    /**
     * Works for root too: the temporary file's name ({@code .<name><random>.tmp}) exceeds the file
     * system's name limit, so the replace fails before the target is touched.
     */
    @Test
    void failedReplaceKeepsOldContent() throws IOException {
        Path target = tmp.resolve("f".repeat(250));
        Files.writeString(target, "old");
        assertThatThrownBy(() -> AtomicFiles.write(target, bytes("new"), false)).isInstanceOf(IOException.class);
        assertThat(Files.readString(target)).isEqualTo("old");
        FileStoreTest.assertNoTempFiles(tmp);
    }

    /** Works for root too: the rename onto a non-empty folder fails after the temp file was written. */
    @Test
    void failedRenameLeavesNoTempFile() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Files.writeString(target.resolve("inside"), "old");
        assertThatThrownBy(() -> AtomicFiles.write(target, bytes("new"), true)).isInstanceOf(IOException.class);
        assertThat(Files.readString(target.resolve("inside"))).isEqualTo("old");
        FileStoreTest.assertNoTempFiles(tmp);
    }

    private static boolean canWriteInto(Path dir) {
        try {
            Files.delete(Files.createFile(dir.resolve(".probe")));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
